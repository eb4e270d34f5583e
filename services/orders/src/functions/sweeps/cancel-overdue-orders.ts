import { EventPublisher } from '@shop/events';
import { eventBridge, executionArn, requiredEnv, runSweep, sagaStatus, type SweepReport } from '@shop/service-kit';
import { OrderAlreadySettledError, ordersTable, type OrdersTable } from '../../adapters/orders-table';
import { isOverdue, sagaMaySettle } from '../../domain/stale-orders';
import { publish } from '../saga/publish';
import { settleOrder } from '../saga/settle-order';

export interface CancelOverdueEffects {
  orders: Pick<OrdersTable, 'pending' | 'get' | 'settle'>;
  /** The order saga's status for an order (its execution is named after the order). */
  sagaStatus(orderId: string): Promise<string>;
  /** Puts the order's OrderCancelled on the bus (the saga's publish step). */
  publishCancelled(orderId: string): Promise<void>;
  now: () => Date;
  outcomeTimeoutSeconds: number;
  marginSeconds: number;
}

/**
 * The scheduled sweep of the orders context: an order still PENDING past its deadline whose saga no longer runs
 * (never started, or ended without settling it) is cancelled with TIMEOUT through the saga's own Cancel path: settle
 * (one conditional write, a no-op when already so) and publish OrderCancelled (a deterministic id, so a repeat is one
 * event to consumers). A saga that still runs is left to cancel its order itself.
 */
export function cancelOverdueOrders(effects: CancelOverdueEffects): Promise<SweepReport> {
  return runSweep({ service: 'orders', sweep: 'overdue-orders' }, effects.orders.pending(), async (order) => {
    if (!isOverdue(order, effects.now(), effects.outcomeTimeoutSeconds, effects.marginSeconds)) return { action: 'none' };
    if (sagaMaySettle(await effects.sagaStatus(order.orderId))) return { action: 'skip' };
    return {
      action: 'repair',
      repair: async () => {
        try {
          await settleOrder({ orderId: order.orderId, status: 'CANCELLED', reason: 'TIMEOUT' }, effects.orders);
        } catch (error) {
          // Confirmed or cancelled for another reason since the scan: nothing left to repair.
          if (error instanceof OrderAlreadySettledError) return 'settled-meanwhile';
          throw error;
        }
        await effects.publishCancelled(order.orderId);
        return 'repaired';
      },
    };
  });
}

const nonNegativeInteger = (name: string) => {
  const value = Number(requiredEnv(name));
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
};

function effectsFromEnv(): CancelOverdueEffects {
  const orders = ordersTable();
  const sagaArn = requiredEnv('ORDER_STATE_MACHINE_ARN');
  const publisher = new EventPublisher({ eventBusName: requiredEnv('EVENT_BUS_NAME'), client: eventBridge() });
  return {
    orders,
    sagaStatus: async (orderId) => (await sagaStatus(executionArn(sagaArn, orderId))).status,
    publishCancelled: async (orderId) => {
      await publish({ type: 'OrderCancelled', orderId }, { orders, publisher, publishV1: false });
    },
    now: () => new Date(),
    outcomeTimeoutSeconds: nonNegativeInteger('OUTCOME_TIMEOUT_SECONDS'),
    marginSeconds: nonNegativeInteger('SWEEP_MARGIN_SECONDS'),
  };
}

export const handler = () => cancelOverdueOrders(effectsFromEnv());
