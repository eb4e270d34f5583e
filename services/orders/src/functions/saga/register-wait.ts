import { Logger } from '@aws-lambda-powertools/logger';
import { ordersTable, type OrdersTable } from '../../adapters/orders-table';
import { waitAnswerer, type AnswerWait } from '../../adapters/task-callbacks';
import { decide, type OutcomeKind } from '../../domain/outcomes';

const logger = new Logger();

/** The Payload of the saga's waiting states (`lambda:invoke.waitForTaskToken`). */
export interface WaitRequest {
  orderId: string;
  kind: OutcomeKind;
  taskToken: string;
}

export interface WaitEffects {
  orders: Pick<OrdersTable, 'registerWait'>;
  answer: AnswerWait;
}

/**
 * Stores the wait's task token on the order. When the outcome arrived first, it is already on the record returned by
 * the same write, and the wait is answered here at once.
 */
export async function registerWait(request: WaitRequest, effects: WaitEffects) {
  const record = await effects.orders.registerWait(request.orderId, request.kind, request.taskToken);
  if (!record) throw new Error(`order ${request.orderId} does not exist`);
  const decision = decide(record, request.kind);
  const answered = await effects.answer(decision);
  logger.info('wait registered', { orderId: request.orderId, kind: request.kind, decision: decision.action, answered });
  return { registered: request.kind, answered };
}

export const handler = (request: WaitRequest) =>
  registerWait(request, { orders: ordersTable(), answer: waitAnswerer(undefined, (message, details) => logger.info(message, { ...details })) });
