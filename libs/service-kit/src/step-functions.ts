import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient, type ExecutionStatus } from '@aws-sdk/client-sfn';
import { clientPerCredentials } from './client-per-credentials';
import { traced } from './tracing';

/**
 * The process's Step Functions client (see dynamodb.ts). StartSyncExecution goes to the `sync-` prefixed host on AWS; an endpoint of its own (the local emulator) is one host,
 * so the prefix is left off there.
 */
export const stepFunctions = clientPerCredentials(() => traced(new SFNClient({ disableHostPrefix: Boolean(process.env.AWS_ENDPOINT_URL_SFN ?? process.env.AWS_ENDPOINT_URL) })));

export type SagaStatus = ExecutionStatus | 'ABSENT';

/** The status of a saga execution by ARN; ABSENT when no execution has that name. */
export async function sagaStatus(executionArn: string, client: Pick<SFNClient, 'send'> = stepFunctions()): Promise<{ status: SagaStatus; startDate?: Date; stopDate?: Date; input?: string }> {
  try {
    const { status, startDate, stopDate, input } = await client.send(new DescribeExecutionCommand({ executionArn }));
    return { status: status ?? 'RUNNING', startDate, stopDate, input };
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist || (error as Error).name === 'ExecutionDoesNotExist') return { status: 'ABSENT' };
    throw error;
  }
}
