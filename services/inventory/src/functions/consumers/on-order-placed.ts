import { createEventHandler, type Received } from '@shop/events';
import { sagaStarterFromEnv, type StartSaga } from '@shop/service-kit';
import { reservationSagaStart } from '../../domain/reservation';

/** OrderPlaced.v1 → the reservation saga of the order (one execution per order). */
export function startReservation(event: Received<'OrderPlaced.v1'>, start: StartSaga = sagaStarterFromEnv('RESERVATION_STATE_MACHINE_ARN')) {
  return start(reservationSagaStart(event.detail));
}

export const handler = createEventHandler({
  name: 'inventory.order-placed',
  accepts: ['OrderPlaced.v1'],
  handle: (event) => startReservation(event),
});
