import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { OrdersTable } from './orders-table';

/** A DocumentClient double: answers each command in turn, and records what was sent. */
function client(...answers: Array<object | Error>) {
  const sent: Array<{ command: string; input: any }> = [];
  return {
    sent,
    send: async (command: any) => {
      sent.push({ command: command.constructor.name, input: command.input });
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer ?? {};
    },
  };
}
/** A failed condition as DynamoDB answers it when asked for ALL_OLD: the item as it was, marshalled (none: no item). */
const conditionFailed = (item?: object) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, ...(item && { Item: marshall(item) }) });
const now = () => new Date('2026-11-23T12:00:00Z');

describe('OrdersTable', () => {
  it('records an outcome only where none of its kind exists, in one conditional update returning the record', async () => {
    const fake = client({ Attributes: { orderId: 'o', status: 'PENDING' } });
    const result = await new OrdersTable('orders', fake, now).recordOutcome('o', 'payment', { status: 'SUCCEEDED', eventId: 'e' });
    expect(result).toEqual({ record: { orderId: 'o', status: 'PENDING' }, recorded: true });
    expect(fake.sent[0]!.input).toMatchObject({
      UpdateExpression: 'SET #outcomes.#kind = :outcome',
      ConditionExpression: 'attribute_exists(orderId) AND attribute_not_exists(#outcomes.#kind)',
      ExpressionAttributeNames: { '#outcomes': 'outcomes', '#kind': 'payment' },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('tells a duplicate outcome (record returned, not recorded) from an unknown order (undefined), from the failure alone', async () => {
    const duplicate = client(conditionFailed({ orderId: 'o', status: 'PENDING' }));
    expect(await new OrdersTable('orders', duplicate, now).recordOutcome('o', 'payment', { status: 'SUCCEEDED', eventId: 'e' })).toEqual({ record: { orderId: 'o', status: 'PENDING' }, recorded: false });
    expect(duplicate.sent).toEqual([expect.objectContaining({ command: 'UpdateCommand', input: expect.objectContaining({ ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }) })]);
    const unknown = client(conditionFailed());
    expect(await new OrdersTable('orders', unknown, now).recordOutcome('o', 'payment', { status: 'SUCCEEDED', eventId: 'e' })).toBeUndefined();
  });

  it('settles a PENDING order; a retry that finds it already so settled gets it back; another state is an error', async () => {
    const fresh = client({ Attributes: { orderId: 'o', status: 'CANCELLED', reason: 'TIMEOUT' } });
    await new OrdersTable('orders', fresh, now).settle('o', { status: 'CANCELLED', reason: 'TIMEOUT', reasonDetail: 'late' });
    expect(fresh.sent[0]!.input).toMatchObject({
      UpdateExpression: 'SET #status = :status, updatedAt = :now, reason = :reason, reasonDetail = :detail',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeValues: { ':status': 'CANCELLED', ':pending': 'PENDING', ':now': '2026-11-23T12:00:00.000Z', ':reason': 'TIMEOUT', ':detail': 'late' },
    });
    const retried = client(conditionFailed({ orderId: 'o', status: 'CONFIRMED' }));
    await expect(new OrdersTable('orders', retried, now).settle('o', { status: 'CONFIRMED' })).resolves.toMatchObject({ status: 'CONFIRMED' });
    expect(retried.sent).toHaveLength(1);
    const other = client(conditionFailed({ orderId: 'o', status: 'CANCELLED', reason: 'TIMEOUT' }));
    await expect(new OrdersTable('orders', other, now).settle('o', { status: 'CONFIRMED' })).rejects.toThrow('already CANCELLED (TIMEOUT)');
  });

  it('creates an order with the empty maps the correlation writes into, never over an existing one, which it answers', async () => {
    const fake = client({});
    expect(await new OrdersTable('orders', fake, now).createOrFind({ orderId: 'o' } as any)).toBeUndefined();
    expect(fake.sent[0]!.input).toEqual({
      TableName: 'orders',
      Item: { orderId: 'o', outcomes: {}, waits: {} },
      ConditionExpression: 'attribute_not_exists(orderId)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    const retried = client(conditionFailed({ orderId: 'o', status: 'CONFIRMED' }));
    expect(await new OrdersTable('orders', retried, now).createOrFind({ orderId: 'o' } as any)).toEqual({ orderId: 'o', status: 'CONFIRMED' });
    expect(retried.sent).toHaveLength(1);
  });
});
