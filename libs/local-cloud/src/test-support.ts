import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
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

const run = promisify(execFile);

/**
 * Runs Debian's AWS CLI v2 (`/usr/bin/aws`: a pip-installed v1 may come first on PATH) against the endpoint with dummy
 * credentials, and answers its JSON output (undefined when it printed nothing).
 */
export async function awsCli(endpoint: string, ...args: string[]): Promise<any> {
  const { stdout } = await run('/usr/bin/aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' },
  });
  return stdout.trim() ? JSON.parse(stdout) : undefined;
}
