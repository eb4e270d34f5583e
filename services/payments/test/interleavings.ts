import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventPublisher } from '@shop/events';
import { orderCancelledEvent } from '../../orders/src/domain/events';
import type { Order } from '../../orders/src/domain/order';
import { PaymentsTable } from '../src/adapters/payments-table';
import { authorize, capture } from '../src/functions/saga/provider-steps';

/**
 * Test doubles of saga steps for the emulator, to make one interleaving certain: each runs the REAL step, then puts
 * OrderCancelled on the bus and waits until the refund saga has marked the payment cancelRequested, before it
 * returns. So the payment saga's next step sees the cancellation exactly there. Registered in place of the
 * deployed function by tests/integration/payments.test.ts (needs PAYMENTS_TABLE and EVENT_BUS_NAME). The test's own calls
 * are the local administrator's (`test`/`test`), not the step's role: that role may not put an orders event (its
 * events:source condition and the bus policy deny it) nor read the table.
 */
const administrator = { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
function thenCancel<I extends { orderId: string }, O>(step: (input: I) => Promise<O>) {
  return async (input: I): Promise<O> => {
    const result = await step(input);
    const order = { orderId: input.orderId, customerId: 'cust-42', customerEmail: 'ada@example.com' } as Order;
    await new EventPublisher({ eventBusName: process.env.EVENT_BUS_NAME!, client: new EventBridgeClient(administrator) }).publish([orderCancelledEvent(order, 'TIMEOUT', undefined, new Date())]);
    const payments = new PaymentsTable(process.env.PAYMENTS_TABLE!, DynamoDBDocumentClient.from(new DynamoDBClient(administrator)));
    while ((await payments.get(input.orderId))?.cancelRequested !== true) await new Promise((resolve) => setTimeout(resolve, 5));
    return result;
  };
}

/** OrderCancelled lands after authorization, before the payment saga's MarkAuthorized. */
export const authorizeThenCancel = thenCancel(authorize);
/** OrderCancelled lands after the capture, before the payment saga's Commit. */
export const captureThenCancel = thenCancel(capture);
