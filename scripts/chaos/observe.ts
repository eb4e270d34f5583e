/**
 * Everything the checks look at, read once the system is quiet: each context's table through the AWS SDK (the
 * simulated provider keeps its records in its own table, read like any other), the saga executions through the Step
 * Functions API, the bus through a tap, the captured e-mails, the DLQs and the cloud's activity.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  type ExecutionStatus,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import type { FaultSnapshot, SentEmail } from '../../libs/local-cloud/src';
import type { AwsClientConfig, BusEvent } from '../../tests/support/bus-tap';
import type { DlqView, LoggedActivity } from '../dashboard/api-types';
import { runMarker } from './scenarios';
import type { SystemNames } from './system-names';
import type { ChaosTarget } from './target';

export interface OrderRow {
  orderId: string;
  customerId: string;
  customerEmail: string;
  status: string;
  reason?: string;
  total: number;
  currency: string;
  paymentToken: string;
  items: Array<{ sku: string; quantity: number; unitPrice: number }>;
}

export interface PaymentRow {
  orderId: string;
  status: string;
  amount?: number;
  captured: number;
  refunded: number;
  failureReason?: string;
}

export interface ProviderRow {
  id: string;
  status: string;
  amount: number;
  captured: number;
  refunded: number;
}

export interface StockRow {
  sku: string;
  available: number;
  reserved: number;
  reservations: Record<string, number>;
}

export interface NotificationRow {
  orderId: string;
  outcome: string;
  template: string;
  status: string;
  subject: string;
  recipient: string;
}

export type SagaKind = keyof SystemNames['sagas'];

export interface SagaExecution {
  saga: SagaKind;
  executionArn: string;
  name: string;
  orderId: string;
  status: ExecutionStatus | string;
  error?: string;
  cause?: string;
  /** The states entered, in order (read for executions that did not succeed, and for traces). */
  path?: string[];
}

export interface Observed {
  /** The run's orders (customer ids of this run), as the orders table holds them. */
  orders: OrderRow[];
  payments: Map<string, PaymentRow>;
  provider: Map<string, ProviderRow>;
  /** Attempts per `<orderId>#<operation>` as the provider counted them. */
  providerAttempts: Map<string, number>;
  stock: Map<string, StockRow>;
  notifications: Map<string, NotificationRow[]>;
  /** Every e-mail captured (the checks pick the run's recipients). */
  emails: SentEmail[];
  /** Every event the tap saw. */
  events: BusEvent[];
  /** The run's orders' saga executions. */
  executions: SagaExecution[];
  dlqs: DlqView[];
  activity: LoggedActivity[];
  faults: FaultSnapshot;
}

/** Clients for the emulator's endpoint; made once per run. */
export interface AwsReaders {
  documents: DynamoDBDocumentClient;
  sfn: SFNClient;
  destroy(): void;
}

export function awsReaders(config: AwsClientConfig): AwsReaders {
  const dynamodb = new DynamoDBClient(config);
  const documents = DynamoDBDocumentClient.from(dynamodb);
  const sfn = new SFNClient(config);
  return {
    documents,
    sfn,
    destroy() {
      documents.destroy();
      dynamodb.destroy();
      sfn.destroy();
    },
  };
}

async function scan<T>(documents: DynamoDBDocumentClient, table: string): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as T[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * The run's orders: the ones whose customer e-mail carries the run's marker (the customer id is the signed-in user's
 * subject, a Cognito sub).
 */
export async function runOrders(readers: AwsReaders, names: SystemNames, runId: string): Promise<OrderRow[]> {
  const marker = runMarker(runId);
  return (await scan<OrderRow>(readers.documents, names.tables.orders)).filter((order) => String(order.customerEmail).startsWith(marker));
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** Each saga names its executions after the order: `<orderId>`, `pay-<orderId>`, `notify-<orderId>-<outcome>[-…]`… */
const EXECUTION_NAME = new RegExp(`^(?:[a-z]+-)?(${UUID})(?:-.*)?$`);

/** Executions of the sagas whose names carry one of `orderIds` (every status, or only `status`). */
export async function sagaExecutions(readers: AwsReaders, names: SystemNames, orderIds: Set<string>, status?: ExecutionStatus): Promise<SagaExecution[]> {
  const machines: Array<{ name?: string; stateMachineArn?: string; type?: string }> = [];
  let token: string | undefined;
  do {
    const page = await readers.sfn.send(new ListStateMachinesCommand({ nextToken: token }));
    machines.push(...(page.stateMachines ?? []));
    token = page.nextToken;
  } while (token);
  const found: SagaExecution[] = [];
  for (const [saga, machineName] of Object.entries(names.sagas) as Array<[SagaKind, string]>) {
    const machine = machines.find((m) => m.name === machineName);
    if (!machine) throw new Error(`no state machine ${machineName} is deployed`);
    // Step Functions lists no Express executions: a failed one fails the consumer that ran it (events-not-lost sees it).
    if (machine.type === 'EXPRESS') continue;
    let next: string | undefined;
    do {
      const page = await readers.sfn.send(new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn, maxResults: 1000, nextToken: next, statusFilter: status }));
      for (const execution of page.executions ?? []) {
        const orderId = EXECUTION_NAME.exec(execution.name ?? '')?.[1];
        if (orderId && orderIds.has(orderId)) found.push({ saga, executionArn: execution.executionArn!, name: execution.name!, orderId, status: execution.status! });
      }
      next = page.nextToken;
    } while (next);
  }
  return found;
}

/** The states an execution entered, in order. */
export async function executionPath(readers: AwsReaders, executionArn: string): Promise<string[]> {
  const events: HistoryEvent[] = [];
  let token: string | undefined;
  do {
    const page = await readers.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken: token, includeExecutionData: false }));
    events.push(...(page.events ?? []));
    token = page.nextToken;
  } while (token);
  return events.flatMap((event) => (event.stateEnteredEventDetails?.name ? [event.stateEnteredEventDetails.name] : []));
}

export async function observe(target: ChaosTarget, readers: AwsReaders, names: SystemNames, runId: string): Promise<Observed> {
  const orders = await runOrders(readers, names, runId);
  const orderIds = new Set(orders.map((order) => order.orderId));
  const skuPrefix = `CH-${runId}-`;

  const payments = new Map((await scan<PaymentRow>(readers.documents, names.tables.payments)).filter((p) => orderIds.has(p.orderId)).map((p) => [p.orderId, p]));
  const provider = new Map<string, ProviderRow>();
  const providerAttempts = new Map<string, number>();
  for (const row of await scan<ProviderRow & { attempts?: number }>(readers.documents, names.tables.provider)) {
    const [orderId, operation] = row.id.split('#');
    if (!orderIds.has(orderId!)) continue;
    if (operation) providerAttempts.set(row.id, row.attempts ?? 0);
    else provider.set(orderId!, row);
  }
  const stock = new Map((await scan<StockRow>(readers.documents, names.tables.stock)).filter((s) => s.sku.startsWith(skuPrefix)).map((s) => [s.sku, s]));
  const notifications = new Map<string, NotificationRow[]>();
  for (const row of await scan<NotificationRow>(readers.documents, names.tables.notifications)) {
    if (orderIds.has(row.orderId)) notifications.set(row.orderId, [...(notifications.get(row.orderId) ?? []), row]);
  }

  const executions = await sagaExecutions(readers, names, orderIds);
  for (const execution of executions) {
    if (execution.status === 'SUCCEEDED' || execution.status === 'RUNNING') continue;
    const described = await readers.sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
    execution.error = described.error;
    execution.cause = described.cause;
    execution.path = await executionPath(readers, execution.executionArn);
  }

  return {
    orders,
    payments,
    provider,
    providerAttempts,
    stock,
    notifications,
    emails: await target.emails(),
    events: await target.busEvents(),
    executions,
    dlqs: await target.deadLetterQueues(),
    activity: [...target.activity()],
    faults: await target.faults(),
  };
}
