import { createEventHandler } from '@shop/events';
import type { Logger } from '@aws-lambda-powertools/logger';
import { ordersTable, type OrdersTable } from '../../adapters/orders-table';
import { waitAnswerer, type AnswerWait } from '../../adapters/task-callbacks';
import { decide, OUTCOME_EVENTS, outcomeOf, type OutcomeEvent } from '../../domain/outcomes';

export class UnknownOrderError extends Error {
  override readonly name = 'UnknownOrderError';
}

export interface OutcomeEffects {
  orders: Pick<OrdersTable, 'recordOutcome'>;
  answer: AnswerWait;
}

/**
 * Records a payment or inventory outcome on its order (the first one of a kind wins) and, when the saga already waits
 * for it, answers the wait. A duplicate still re-checks the record and may answer again: a first delivery that
 * recorded the outcome and then failed before answering must not leave the saga waiting. An outcome for an order
 * that does not exist throws: orders always exist before their events, so this is a poison event, and Lambda's
 * retries end in PoisonEventsQueue with this message.
 */
export async function recordOutcome(event: OutcomeEvent, effects: OutcomeEffects) {
  const { orderId, kind, outcome } = outcomeOf(event);
  const result = await effects.orders.recordOutcome(orderId, kind, outcome);
  if (!result) throw new UnknownOrderError(`${event.detailType} ${outcome.eventId} names order ${orderId}, which does not exist`);
  const decision = decide(result.record, kind);
  const answered = await effects.answer(decision);
  return { orderId, kind, recorded: result.recorded, decision: decision.action, answered };
}

const effectsFor = (logger: Logger): OutcomeEffects => ({
  orders: ordersTable(),
  answer: waitAnswerer(undefined, (message, details) => logger.info(message, { ...details })),
});

export const handler = createEventHandler({
  name: 'orders.payment-and-inventory-outcomes',
  accepts: OUTCOME_EVENTS,
  handle: async (event, { logger }) => {
    const result = await recordOutcome(event, effectsFor(logger));
    logger.info('outcome recorded', result);
    return result;
  },
});
