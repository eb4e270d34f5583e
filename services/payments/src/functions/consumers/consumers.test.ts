import type { Context } from 'aws-lambda';
import { catalog, EventValidationError } from '@shop/events';
import { startDynalite } from '../../../../../libs/events/test/dynalite';
import { paymentExecutionName, refundExecutionName } from '../../domain/payment';
import { createHandler as createCancelledConsumer } from './on-order-cancelled';
import { paymentConsumer, type StartEffects } from './payment-consumer';

let db: Awaited<ReturnType<typeof startDynalite>>;
beforeAll(async () => {
  db = await startDynalite('payments-idempotency');
  Object.assign(process.env, { IDEMPOTENCY_TABLE: 'payments-idempotency', AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', POWERTOOLS_LOG_LEVEL: 'SILENT' });
});
afterAll(() => db.close());

let seq = 0;
const context = () => ({ functionName: 'payments-test', awsRequestId: `r${++seq}`, getRemainingTimeInMillis: () => 30_000 }) as unknown as Context;
const delivered = (detailType: 'OrderPlaced.v2' | 'OrderCancelled.v1', detail: unknown) => ({
  version: '0', id: `eb-${++seq}`, 'detail-type': detailType, source: 'shop.orders', account: '000000000000', time: '2026-11-23T12:00:00Z',
  region: 'us-east-1', resources: [], detail,
});
const example = (detailType: 'OrderPlaced.v2' | 'OrderCancelled.v1', orderId: string) => {
  const detail = structuredClone(catalog[detailType].examples[0]) as any;
  detail.data.orderId = orderId;
  detail.metadata.id = orderId.replace(/^.{8}/, 'aaaaaaaa');
  return detail;
};

function fakeStarts() {
  const starts: Array<{ arn: string; name: string; input: any }> = [];
  const effects = (): StartEffects => ({
    stateMachineArn: () => 'arn:aws:states:us-east-1:000000000000:stateMachine:saga',
    startSaga: async (arn, name, input) => {
      starts.push({ arn, name, input });
      return { started: true };
    },
  });
  return { starts, effects };
}

describe('OrderPlaced.v2 consumers', () => {
  it('start the payment saga named after the order, with review only on the high-value consumer, once per event', async () => {
    const { starts, effects } = fakeStarts();
    const normal = paymentConsumer({ name: 'payments.order-placed', review: false }, effects);
    const highValue = paymentConsumer({ name: 'payments.high-value-order-placed', review: true }, effects);
    const orderId = '11111111-2222-4333-8444-555555555555';
    const event = delivered('OrderPlaced.v2', example('OrderPlaced.v2', orderId));

    await normal(event, context());
    await normal({ ...event, id: 'eb-redelivered' }, context()); // same metadata.id: the idempotency record answers
    await highValue(event, context());

    expect(starts.map((s) => [s.name, s.input.review])).toEqual([[paymentExecutionName(orderId), false], [paymentExecutionName(orderId), true]]);
    expect(starts[0]!.input).toMatchObject({ orderId, amount: 2598, currency: 'EUR', token: 'tok_visa' });
  });

  it('reject an invalid event with an error naming the field (it goes to the poison queue), starting nothing', async () => {
    const { starts, effects } = fakeStarts();
    const consumer = paymentConsumer({ name: 'payments.order-placed', review: false }, effects);
    const detail = example('OrderPlaced.v2', '11111111-2222-4333-8444-666666666666');
    delete detail.data.paymentMethod;
    const error = await consumer(delivered('OrderPlaced.v2', detail), context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as Error).message).toContain('detail.data.paymentMethod is required');
    expect(starts).toEqual([]);
  });
});

describe('OrderCancelled.v1 consumer', () => {
  it('starts the refund saga named after the order with the cancellation as cause', async () => {
    const { starts, effects } = fakeStarts();
    const orderId = '11111111-2222-4333-8444-777777777777';
    const detail = example('OrderCancelled.v1', orderId);
    await createCancelledConsumer(effects)(delivered('OrderCancelled.v1', detail), context());
    expect(starts).toEqual([{ arn: expect.any(String), name: refundExecutionName(orderId), input: { orderId, cause: { metadata: { id: detail.metadata.id, correlationId: detail.metadata.correlationId } } } }]);
  });
});
