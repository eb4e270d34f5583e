import { randomUUID } from 'node:crypto';
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, IdempotencyValidationError, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { requiredEnv } from '@shop/service-kit';
import { ordersTable, type OrdersTable } from '../../adapters/orders-table';
import { orderSagaStarterFromEnv, type StartOrderSaga } from '../../adapters/saga-starter';
import { placedOrder, type NewOrder } from '../../domain/order';
import { parsePlaceOrder } from '../../domain/place-order-request';
import { badRequest, json } from './responses';

const logger = new Logger();

export interface Placed {
  orderId: string;
  status: 'PENDING';
}

export class SagaNotStartedError extends Error {
  override readonly name = 'SagaNotStartedError';
}

export interface PlacementEffects {
  orders: Pick<OrdersTable, 'create' | 'remove'>;
  startSaga: StartOrderSaga;
  outcomeTimeoutSeconds: number;
  newOrderId: () => string;
  now: () => Date;
}

/**
 * Writes the order PENDING, then starts its saga. When the saga cannot be started the order is taken back, so that
 * no PENDING order is left without a saga to settle it.
 */
export async function placeOrder(request: NewOrder, effects: PlacementEffects): Promise<Placed> {
  const order = placedOrder(request, effects.newOrderId(), effects.now());
  await effects.orders.create(order);
  try {
    await effects.startSaga({ orderId: order.orderId, outcomeTimeoutSeconds: effects.outcomeTimeoutSeconds });
  } catch (error) {
    logger.error('the order saga could not be started: taking the order back', { orderId: order.orderId, error: error as Error });
    await effects.orders.remove(order.orderId);
    throw new SagaNotStartedError(`the order saga could not be started: ${(error as Error).message}`);
  }
  return { orderId: order.orderId, status: 'PENDING' };
}

/** A placement keyed by the client's Idempotency-Key. */
export interface KeyedPlacement {
  key: string;
  request: NewOrder;
}
export type Place = (placement: KeyedPlacement) => Promise<Placed>;
/** Wraps a placement so that a repeat with the same key returns the first answer (and a different body is refused). */
export type MakeIdempotent = (place: Place, context: Context) => Place;

const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * Powertools idempotency on the Idempotency-Key header, with payload validation on the validated body: the same key
 * with another body is IdempotencyValidationError. Records live 24 hours. A placement that throws (503) leaves no
 * record, so the client may retry with the same key.
 * https://docs.powertools.aws.dev/lambda/typescript/latest/features/idempotency/
 */
let persistenceStore: DynamoDBPersistenceLayer | undefined;
export const powertoolsIdempotency: MakeIdempotent = (place, context) => {
  persistenceStore ??= new DynamoDBPersistenceLayer({ tableName: requiredEnv('IDEMPOTENCY_TABLE') });
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'key', payloadValidationJmesPath: 'request', expiresAfterSeconds: 24 * 60 * 60 });
  config.registerLambdaContext(context);
  return makeIdempotent(place, { persistenceStore, config, keyPrefix: 'orders.place-order' });
};

function placementEffectsFromEnv(): PlacementEffects {
  const outcomeTimeoutSeconds = Number(requiredEnv('OUTCOME_TIMEOUT_SECONDS'));
  if (!Number.isSafeInteger(outcomeTimeoutSeconds) || outcomeTimeoutSeconds < 1) throw new Error('OUTCOME_TIMEOUT_SECONDS must be a positive integer');
  return { orders: ordersTable(), startSaga: orderSagaStarterFromEnv(), outcomeTimeoutSeconds, newOrderId: randomUUID, now: () => new Date() };
}

/** `POST /orders` → 202 `{orderId, status: PENDING}`; 400 naming every bad field; 422 / 409 for key misuse; 503 when the saga could not start. */
export async function handlePlaceOrder(
  event: APIGatewayProxyEventV2,
  context: Context,
  effects: () => PlacementEffects = placementEffectsFromEnv,
  idempotent: MakeIdempotent = powertoolsIdempotency,
): Promise<APIGatewayProxyStructuredResultV2> {
  const parsed = parsePlaceOrder(event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body);
  const key = event.headers?.[IDEMPOTENCY_KEY_HEADER];
  const keyErrors = key !== undefined && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)
    ? [{ field: 'Idempotency-Key', message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` }]
    : [];
  if (!parsed.ok || keyErrors.length > 0) return badRequest([...keyErrors, ...(parsed.ok ? [] : parsed.errors)]);

  const effectsNow = effects();
  const place: Place = ({ request }) => placeOrder(request, effectsNow);
  try {
    const placed = key === undefined ? await place({ key: '', request: parsed.value }) : await idempotent(place, context)({ key, request: parsed.value });
    return json(202, placed);
  } catch (error) {
    if (error instanceof IdempotencyValidationError) return json(422, { message: 'this Idempotency-Key was already used with a different request body' });
    if (error instanceof IdempotencyAlreadyInProgressError) return json(409, { message: 'a request with this Idempotency-Key is still being processed: retry later' });
    if (error instanceof SagaNotStartedError) return json(503, { message: 'the order could not be placed now: retry later' });
    throw error;
  }
}

export const handler = (event: APIGatewayProxyEventV2, context: Context) => handlePlaceOrder(event, context);
