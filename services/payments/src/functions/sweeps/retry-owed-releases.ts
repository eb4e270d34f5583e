import { deterministicEventId, EventPublisher } from '@shop/events';
import { executionArn, requiredEnv, runSweep, sagaStatus, type SweepReport } from '@shop/service-kit';
import { PaymentsTable } from '../../adapters/payments-table';
import { SimulatedProvider } from '../../adapters/simulated-provider';
import { ledgerSaysReleased, owedByLedger, paymentSagaMayStillRun, providerHolds, sagasStillOwn, statusAfterRelease } from '../../domain/owed-releases';
import { refundExecutionName, releaseExecutionName } from '../../domain/payment';
import { release, type PaymentProvider } from '../../domain/provider';
import { eventFor } from '../saga/publish';

export interface RetryReleasesEffects {
  payments: Pick<PaymentsTable, 'all' | 'get' | 'recordRelease'>;
  provider: PaymentProvider;
  /** The statuses of the order's Standard sagas: payment-release and refund (release-<orderId>, refund-<orderId>). */
  sagaStatuses(orderId: string): Promise<string[]>;
  publisher: Pick<EventPublisher, 'publish'>;
  now: () => Date;
}

/**
 * The scheduled sweep of the payments context. A payment is owed a refund or a void when its order was cancelled and
 * the ledger still holds money (cancelRequested, still AUTHORIZING / AUTHORIZED / CAPTURED), or when the provider holds
 * money the ledger says was released. When no saga of the order still runs, the release runs again: the sagas' own
 * compensation (release: void an authorization, refund a capture, as the provider sees it, idempotent per order and
 * operation), then the ledger records what moved and a refund of a cancelled order is announced (PaymentRefunded, a
 * deterministic id). The sweep is the retry: a provider still down fails this run, and the next one tries again. The
 * payment saga (Express) may still run for five minutes after its last Begin, told by the row's updatedAt; the
 * payment-release and refund sagas (Standard) are asked with DescribeExecution.
 */
export function retryOwedReleases(effects: RetryReleasesEffects): Promise<SweepReport> {
  return runSweep({ service: 'payments', sweep: 'owed-releases' }, effects.payments.all(), async (record) => {
    const owed = owedByLedger(record);
    if (!owed && !(ledgerSaysReleased(record) && providerHolds(await effects.provider.lookup(record.orderId)))) return { action: 'none' };
    if (paymentSagaMayStillRun(record, effects.now().getTime()) || sagasStillOwn(await effects.sagaStatuses(record.orderId))) return { action: 'skip' };
    return {
      action: 'repair',
      repair: async () => {
        const heldBefore = await effects.provider.lookup(record.orderId);
        const moved = await release(effects.provider, record.orderId);
        const to = statusAfterRelease(record, heldBefore, moved);
        if (!(await effects.payments.recordRelease(record.orderId, record.status, to, moved, effects.now()))) return 'settled-meanwhile';
        if (owed && to === 'REFUNDED') {
          const refunded = (await effects.payments.get(record.orderId))!;
          // No event caused this run: the cause is the sweep's own, one per order, so a repeat is the same event.
          const cause = { metadata: { id: deterministicEventId(record.orderId, 'payments.owed-releases'), correlationId: record.orderId } };
          await effects.publisher.publish([eventFor('PaymentRefunded', refunded, cause)]);
        }
        return 'repaired';
      },
    };
  });
}

function effectsFromEnv(): RetryReleasesEffects {
  const releaseSaga = requiredEnv('RELEASE_STATE_MACHINE_ARN');
  const refundSaga = requiredEnv('REFUND_STATE_MACHINE_ARN');
  return {
    payments: PaymentsTable.fromEnv(),
    provider: SimulatedProvider.fromEnv(),
    sagaStatuses: (orderId) =>
      Promise.all([executionArn(releaseSaga, releaseExecutionName(orderId)), executionArn(refundSaga, refundExecutionName(orderId))].map(async (arn) => (await sagaStatus(arn)).status)),
    publisher: new EventPublisher({ eventBusName: requiredEnv('EVENT_BUS_NAME') }),
    now: () => new Date(),
  };
}

export const handler = () => retryOwedReleases(effectsFromEnv());
