import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CorrelationRecord, Outcome, OutcomeKind } from '../domain/outcomes';
import type { CancelReason, Order } from '../domain/order';
import { dynamoDocuments, itemAsItWas, requiredEnv, scanItems } from '@shop/service-kit';

/** An order as the table keeps it: the order, plus the saga's correlation bookkeeping. */
export type OrderRecord = Order & Required<Pick<CorrelationRecord, 'outcomes' | 'waits'>>;

export type Settlement = { status: 'CONFIRMED' } | { status: 'CANCELLED'; reason: CancelReason; reasonDetail?: string };

export class OrderAlreadySettledError extends Error {
  override readonly name = 'OrderAlreadySettledError';
}

/**
 * The orders table (partition key orderId). Every change is ONE conditional write to one item: dynalite has no
 * transactions, and a single-item write is atomic, so concurrent writers never see a half-made change.
 */
export class OrdersTable {
  constructor(
    private readonly tableName: string,
    private readonly client: Pick<DynamoDBDocumentClient, 'send'> = dynamoDocuments(),
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Writes a new order, with the empty maps later updates SET paths inside (a path under a missing map is an error).
   * An order already stored under its id (a retried placement) is left as it is and answered; undefined when this
   * write created the order.
   */
  async createOrFind(order: Order): Promise<OrderRecord | undefined> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...order, outcomes: {}, waits: {} },
          ConditionExpression: 'attribute_not_exists(orderId)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return itemAsItWas<OrderRecord>(error);
    }
  }

  /** Takes back an order whose saga could not be started (still PENDING, nothing else happened to it). */
  async remove(orderId: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { orderId },
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'PENDING' },
      }),
    );
  }

  /** Every PENDING order (id, status and creation time), the whole table scanned page by page. */
  pending(): AsyncGenerator<Pick<Order, 'orderId' | 'status' | 'createdAt'>> {
    return scanItems(
      {
        TableName: this.tableName,
        FilterExpression: '#status = :pending',
        ProjectionExpression: 'orderId, #status, createdAt',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'PENDING' },
      },
      this.client,
    );
  }

  async get(orderId: string): Promise<OrderRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { orderId }, ConsistentRead: true }));
    return Item as OrderRecord | undefined;
  }

  /**
   * Keeps the first outcome of a kind (a later one, a duplicate, changes nothing) and returns the record as it now
   * stands; undefined when the order does not exist.
   */
  async recordOutcome(orderId: string, kind: OutcomeKind, outcome: Outcome): Promise<{ record: OrderRecord; recorded: boolean } | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { orderId },
          UpdateExpression: 'SET #outcomes.#kind = :outcome',
          ConditionExpression: 'attribute_exists(orderId) AND attribute_not_exists(#outcomes.#kind)',
          ExpressionAttributeNames: { '#outcomes': 'outcomes', '#kind': kind },
          ExpressionAttributeValues: { ':outcome': outcome },
          ReturnValues: 'ALL_NEW',
          // Why it failed (no order, or the outcome was already there) comes with the failure.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { record: Attributes as OrderRecord, recorded: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const record = itemAsItWas<OrderRecord>(error);
      return record && { record, recorded: false };
    }
  }

  /** Stores the waiting state's task token (a retried wait replaces the old one); undefined when there is no order. */
  async registerWait(orderId: string, kind: OutcomeKind, taskToken: string): Promise<OrderRecord | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { orderId },
          UpdateExpression: 'SET #waits.#kind = :token',
          ConditionExpression: 'attribute_exists(orderId)',
          ExpressionAttributeNames: { '#waits': 'waits', '#kind': kind },
          ExpressionAttributeValues: { ':token': taskToken },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as OrderRecord;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /**
   * PENDING → CONFIRMED or CANCELLED. A retried step whose first write did land finds the order already in the
   * wanted state and gets it back unchanged; any other settled state is an error.
   */
  async settle(orderId: string, settlement: Settlement): Promise<OrderRecord> {
    const cancelled = settlement.status === 'CANCELLED';
    const detail = cancelled && settlement.reasonDetail ? settlement.reasonDetail : undefined;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { orderId },
          UpdateExpression: `SET #status = :status, updatedAt = :now${cancelled ? ', reason = :reason' : ''}${detail ? ', reasonDetail = :detail' : ''}`,
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': settlement.status,
            ':pending': 'PENDING',
            ':now': this.now().toISOString(),
            ...(cancelled ? { ':reason': settlement.reason } : {}),
            ...(detail ? { ':detail': detail } : {}),
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return Attributes as OrderRecord;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const record = itemAsItWas<OrderRecord>(error);
      if (!record) throw new OrderAlreadySettledError(`order ${orderId} does not exist`);
      const same = record.status === settlement.status && (!cancelled || record.reason === settlement.reason);
      if (!same) throw new OrderAlreadySettledError(`order ${orderId} is already ${record.status}${record.reason ? ` (${record.reason})` : ''}`);
      return record;
    }
  }
}

export const ordersTable = () => new OrdersTable(requiredEnv('ORDERS_TABLE'));
