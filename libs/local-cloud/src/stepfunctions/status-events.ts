import type { PutEventsEntry } from '../cloud';
import type { ExecutionStatus } from './types';

/**
 * The event a Standard execution sends to the account's default bus on each status change (RUNNING when it starts
 * and when it is redriven, then SUCCEEDED, FAILED, TIMED_OUT or ABORTED): source `aws.states`, the execution's ARN as
 * its resource, and a detail that says what DescribeExecution says, with null for what is not there.
 * https://docs.aws.amazon.com/step-functions/latest/dg/eventbridge-integration.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html ("EventBridge payloads")
 */

export const STATUS_CHANGE_SOURCE = 'aws.states';
export const STATUS_CHANGE_DETAIL_TYPE = 'Step Functions Execution Status Change';

/** Input and output past 248 KB (as escaped JSON text, together) are left out of the event: EventBridge's quota. */
export const MAX_STATUS_CHANGE_PAYLOAD_BYTES = 248 * 1024;

export type RedriveStatus = 'REDRIVABLE' | 'NOT_REDRIVABLE';

/** What the event reports of an execution; dates are epoch milliseconds. */
export interface ExecutionStatusView {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  redriveCount: number;
  redriveDate?: number;
  redriveStatus: RedriveStatus;
  redriveStatusReason?: string;
}

export interface StatusChangeDetail {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate: number | null;
  input: string | null;
  inputDetails: { included: boolean };
  output: string | null;
  outputDetails: { included: boolean } | null;
  error: string | null;
  cause: string | null;
  stateMachineVersionArn: null;
  stateMachineAliasArn: null;
  redriveCount: number;
  redriveDate: number | null;
  redriveStatus: RedriveStatus;
  redriveStatusReason: string | null;
}

const escapedBytes = (text: string) => Buffer.byteLength(JSON.stringify(text));

export function statusChangeDetail(view: ExecutionStatusView): StatusChangeDetail {
  const outputBytes = view.output === undefined ? 0 : escapedBytes(view.output);
  const outputIncluded = outputBytes <= MAX_STATUS_CHANGE_PAYLOAD_BYTES;
  const inputIncluded = escapedBytes(view.input) + (outputIncluded ? outputBytes : 0) <= MAX_STATUS_CHANGE_PAYLOAD_BYTES;
  return {
    executionArn: view.executionArn,
    stateMachineArn: view.stateMachineArn,
    name: view.name,
    status: view.status,
    startDate: view.startDate,
    stopDate: view.stopDate ?? null,
    input: inputIncluded ? view.input : null,
    inputDetails: { included: inputIncluded },
    output: view.output !== undefined && outputIncluded ? view.output : null,
    outputDetails: view.output === undefined ? null : { included: outputIncluded },
    error: view.error ?? null,
    cause: view.cause ?? null,
    stateMachineVersionArn: null,
    stateMachineAliasArn: null,
    redriveCount: view.redriveCount,
    redriveDate: view.redriveDate ?? null,
    redriveStatus: view.redriveStatus,
    redriveStatusReason: view.redriveStatusReason ?? null,
  };
}

/** The PutEvents entry, for the default bus (no EventBusName). */
export function statusChangeEntry(view: ExecutionStatusView): PutEventsEntry {
  return { Source: STATUS_CHANGE_SOURCE, DetailType: STATUS_CHANGE_DETAIL_TYPE, Resources: [view.executionArn], Detail: JSON.stringify(statusChangeDetail(view)) };
}
