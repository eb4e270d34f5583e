import { AwsError } from './errors';

/** The AwsError `work` throws (fails the test when it does not throw one). For the emulator's tests. */
export async function awsErrorOf(work: Promise<unknown>): Promise<AwsError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof AwsError) return error;
    throw error;
  }
  throw new Error('expected an AwsError, but the call succeeded');
}
