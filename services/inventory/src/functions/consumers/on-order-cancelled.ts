import { createEventHandler, type Received } from '@shop/events';
import { sagaStarterFromEnv, type StartSaga } from '@shop/service-kit';
import { releaseSagaStart } from '../../domain/reservation';

/** OrderCancelled.v1 → the release saga of the order (one execution per order), whether or not it was reserved yet. */
export function startRelease(event: Received<'OrderCancelled.v1'>, start: StartSaga = sagaStarterFromEnv('RELEASE_STATE_MACHINE_ARN')) {
  return start(releaseSagaStart(event.detail));
}

export const handler = createEventHandler({
  name: 'inventory.order-cancelled',
  accepts: ['OrderCancelled.v1'],
  handle: (event) => startRelease(event),
});
