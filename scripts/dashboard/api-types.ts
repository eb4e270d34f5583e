/**
 * The JSON the dashboard's API answers, shared by its server modules and the page. Pure types with no imports, so
 * the page's own type-check (DOM, no Node) can read them.
 */

/** A timeline activity (a CloudActivity), numbered; a bus event also names its order and correlation id. */
export interface LoggedActivity {
  seq: number;
  service: string;
  type: string;
  time: string;
  orderId?: string;
  correlationId?: string;
  [key: string]: unknown;
}

export interface ActivityPage {
  activities: LoggedActivity[];
  lastSeq: number;
  firstSeq: number;
}

export interface SeenOrder {
  orderId: string;
  placedAt: string;
  correlationId?: string;
}

/** One context's answer about an order, reduced to what the panel shows. */
export interface ContextStatus {
  status: string;
  detail?: string;
}

export interface OrderStatuses {
  orders: ContextStatus;
  payments: ContextStatus;
  notifications: ContextStatus;
}

export interface OrdersPage {
  apiBaseUrl: string;
  orders: Array<SeenOrder & { contexts: OrderStatuses }>;
}

export interface ExecutionSummary {
  executionArn: string;
  stateMachineArn: string;
  stateMachineName: string;
  name: string;
  status: string;
  /** Epoch ms. */
  startDate: number;
  stopDate?: number;
}

export interface OrderDetail {
  orderId: string;
  contexts: OrderStatuses;
  executions: ExecutionSummary[];
  events: LoggedActivity[];
}

/** An execution to draw, and each state's latest run: the emulator's own shapes. */
export type { ExecutionGraph as ExecutionView, StateRun as StateRunView } from '../../libs/local-cloud/src/stepfunctions/types';

export type DlqRole =
  | { kind: 'sqs-redrive'; source: string; maxReceiveCount: number }
  | { kind: 'rule-target'; rule: string; bus: string; target: string }
  | { kind: 'lambda-on-failure'; functionName: string }
  | { kind: 'lambda-dlq'; functionName: string }
  /** The target of a rule on Step Functions status changes: failed executions, redriven with RedriveExecution. */
  | { kind: 'failed-execution'; rule: string };

export interface DeadLetterQueue {
  name: string;
  arn: string;
  url: string;
  roles: DlqRole[];
}

/** Why a message is in a DLQ, read from its attributes or body (each kind of DLQ writes it differently). */
export interface DlqReason {
  kind: DlqRole['kind'] | 'unknown';
  reason: string;
  /** What failed: the rule and target, the function, the source queue. */
  failed?: string;
  attempts?: string;
  /** What the message is about, when it carries a shop event. */
  event?: { source?: string; detailType?: string; orderId?: string };
}

export interface DlqView extends DeadLetterQueue {
  messages: Array<{ messageId: string; sentAt?: string; body: string; why: DlqReason }>;
}

/** `npm run redrive`'s report. */
export interface RedriveReportView {
  redriven: Array<{ messageId: string; via: string; target: string }>;
  kept: Array<{ messageId: string; reason: string }>;
  settled: Array<{ messageId: string; reason: string }>;
}

/** The shop API's answer, passed through by the form's proxy routes. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** A metric alarm as the Alarms panel lists it. */
export interface AlarmView {
  name: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  reason: string;
  description?: string;
  /** ISO-8601. */
  stateUpdated: string;
  /** `AWS/SQS ApproximateNumberOfMessagesVisible QueueName=orders-dlq`, the metric watched. */
  metric: string;
  /** `Maximum > 0 for 1 of 1 × 60 s`. */
  condition: string;
}

/** A chart of the run: `buckets` periods of `bucketMs` from `start` (epoch ms), one value per period in each series. */
export interface ChartView {
  id: 'orders' | 'dlq-depth' | 'saga-failures';
  title: string;
  start: number;
  bucketMs: number;
  series: Array<{ label: string; values: number[] }>;
}

export interface MonitoringView {
  alarms: AlarmView[];
  charts: ChartView[];
}
