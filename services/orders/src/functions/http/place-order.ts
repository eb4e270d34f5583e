import { randomUUID } from 'node:crypto';
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, IdempotencyValidationError, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { badRequest, callerOf, json, readJsonBody, recordBusinessMetric, requiredEnv, unauthorized } from '@shop/service-kit';
import { ordersTable, type OrdersTable } from '../../adapters/orders-table';
import { orderSagaStarterFromEnv, SagaNotStartedError, type StartOrderSaga } from '../../adapters/saga-starter';
import { isPlacementOf, keyedOrderId, placedOrder, type NewOrder } from '../../domain/order';
import { parsePlaceOrder, PLACE_ORDER_BODY_LIMITS } from '../../domain/place-order-request';

const logger = new Logger();

export interface Placed {
  orderId: string;
  status: 'PENDING';
}

/** The order could not be placed now (its saga did not start, or may not have): 503, to retry with the same key. */
export class PlacementUnavailableError extends Error {
  override readonly name = 'PlacementUnavailableError';
}

/** The order of this Idempotency-Key (and customer) is stored with another request body. */
export class KeyReusedError extends Error {
  override readonly name = 'KeyReusedError';
}

export interface PlacementEffects {
  orders: Pick<OrdersTable, 'createOrFind' | 'remove'>;
  startSaga: StartOrderSaga;
  outcomeTimeoutSeconds: number;
  newOrderId: () => string;
  now: () => Date;
}

/**
 * Writes the order PENDING, then starts its saga. Each step converges when a placement under the same key runs again
 * (its answer or its idempotency record was lost): the order id comes from the key, an order already stored is kept,
 * and a repeated start of its saga is not a second run. An order no longer PENDING has had its saga, which is not
 * started again (an execution name is free again 90 days after the execution closed). The order is taken back only
 * when its saga surely did not start, so that no PENDING order is left without a saga nor a saga without its order;
 * when that is unknown, the order stays for the retry to converge on.
 */
export async function placeOrder(request: NewOrder, orderId: string, effects: PlacementEffects): Promise<Placed> {
  const existing = await effects.orders.createOrFind(placedOrder(request, orderId, effects.now()));
  if (existing && !isPlacementOf(existing, request)) throw new KeyReusedError(`order ${orderId} is stored with another request body`);
  if (existing && existing.status !== 'PENDING') return { orderId, status: 'PENDING' };
  try {
    await effects.startSaga({ orderId, outcomeTimeoutSeconds: effects.outcomeTimeoutSeconds });
  } catch (error) {
    if (error instanceof SagaNotStartedError) {
      logger.error('the order saga could not be started: taking the order back', { orderId, error });
      await effects.orders.remove(orderId);
    } else {
      logger.error('whether the order saga started is unknown: the order stays for a retry to converge on', { orderId, error: error as Error });
    }
    throw new PlacementUnavailableError(`the order could not be placed now: ${(error as Error).message}`, { cause: error });
  }
  // Placed once: by the call that stored it (a retry under the same key finds it stored).
  if (!existing) recordBusinessMetric('OrdersPlaced');
  return { orderId, status: 'PENDING' };
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
/** A key is the client's token for one placement: 1 to 255 visible ASCII characters (no spaces, no control characters). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Powertools idempotency on the Idempotency-Key header, with payload validation on the validated body: the same key
 * with another body is IdempotencyValidationError. Records live 24 hours. A placement that throws (503) leaves no
 * record, so the client may retry with the same key. A record left INPROGRESS (its completion failed, or the function
 * died) holds the key until the function's timeout has passed (IdempotencyAlreadyInProgressError meanwhile, so no two
 * attempts of a key run at once); then the key runs again, and placeOrder converges on what the first attempt did.
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

/**
 * `POST /orders` → 202 `{orderId, status: PENDING}`, an order of the signed-in customer; 400 naming every bad field (a
 * body naming a customer included), 413 / 415 for a body too large or not JSON (nothing stored); 422 / 409 for key
 * misuse; 503 when the saga could not start.
 */
export async function handlePlaceOrder(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
  effects: () => PlacementEffects = placementEffectsFromEnv,
  idempotent: MakeIdempotent = powertoolsIdempotency,
): Promise<APIGatewayProxyStructuredResultV2> {
  const caller = callerOf(event);
  if (!caller) return unauthorized();
  const body = readJsonBody(event, PLACE_ORDER_BODY_LIMITS);
  if (!body.ok) return json(body.rejection.statusCode, body.rejection.body);
  const parsed = parsePlaceOrder(body.value, caller.customerId);
  const key = event.headers?.[IDEMPOTENCY_KEY_HEADER];
  const keyErrors = key !== undefined && !IDEMPOTENCY_KEY.test(key) ? [{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }] : [];
  if (!parsed.ok || keyErrors.length > 0) return badRequest([...keyErrors, ...(parsed.ok ? [] : parsed.errors)]);

  const effectsNow = effects();
  const place: Place = ({ key, request }) => placeOrder(request, keyedOrderId(request.customerId, key), effectsNow);
  try {
    const placed = key === undefined ? await placeOrder(parsed.value, effectsNow.newOrderId(), effectsNow) : await idempotent(place, context)({ key, request: parsed.value });
    return json(202, placed);
  } catch (error) {
    if (error instanceof IdempotencyValidationError || error instanceof KeyReusedError) {
      return json(422, { message: 'this Idempotency-Key was already used with a different request body' });
    }
    if (error instanceof IdempotencyAlreadyInProgressError) return json(409, { message: 'a request with this Idempotency-Key is still being processed: retry later' });
    if (error instanceof PlacementUnavailableError) return json(503, { message: 'the order could not be placed now: retry later' });
    throw error;
  }
}

export const handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => handlePlaceOrder(event, context);
