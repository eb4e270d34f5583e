import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StockLine } from '../domain/events';
import type { ItemOutcome } from '../domain/reservation';
import type { StockLevel } from '../domain/stock';
import { dynamoDocuments, itemAsItWas, requiredEnv, scanItems } from '@shop/service-kit';

interface StockItem extends StockLevel {
  /** orderId → units held for it: makes a reservation and its release happen at most once per order. */
  reservations: Record<string, number>;
}

/**
 * The stock table (pk `sku`). Every change is ONE conditional UpdateItem on one item: no transactions are needed (and
 * dynalite has none), stock never goes negative, an order never holds a sku twice, and releases are idempotent.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
export class StockTable {
  constructor(
    private readonly db: Pick<DynamoDBDocumentClient, 'send'>,
    private readonly tableName: string,
  ) {}

  async get(sku: string): Promise<StockLevel | undefined> {
    const item = await this.read(sku);
    return item && level(item);
  }

  /** Sets the free units; creates the item (nothing reserved) if absent. Reservations already held are kept. */
  async setAvailable(sku: string, available: number): Promise<StockLevel> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { sku },
        UpdateExpression: 'SET available = :available, reserved = if_not_exists(reserved, :zero), reservations = if_not_exists(reservations, :none)',
        ExpressionAttributeValues: { ':available': available, ':zero': 0, ':none': {} },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return level(Attributes as StockItem);
  }

  async reserve(orderId: string, { sku, quantity }: StockLine): Promise<ItemOutcome> {
    let item: StockItem | undefined;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { sku },
          UpdateExpression: 'SET available = available - :q, reserved = reserved + :q, reservations.#order = :q',
          ConditionExpression: 'attribute_exists(sku) AND available >= :q AND attribute_not_exists(reservations.#order)',
          ExpressionAttributeNames: { '#order': orderId },
          ExpressionAttributeValues: { ':q': quantity },
          // Which condition failed comes with the failure: the item as it was.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { sku, quantity, reserved: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      item = itemAsItWas<StockItem>(error);
    }
    if (!item) return { sku, quantity, reserved: false, available: 0, reason: 'UNKNOWN_SKU' };
    const held = item.reservations?.[orderId];
    if (held === quantity) return { sku, quantity, reserved: true };
    // Reporting it reserved would claim units that nobody holds.
    if (held !== undefined) throw new Error(`order ${orderId} already holds ${held} of ${sku}, not the ${quantity} asked for`);
    return { sku, quantity, reserved: false, available: item.available, reason: 'OUT_OF_STOCK' };
  }

  /** Gives back what the order holds of this sku; 0 when it holds nothing (never reserved, or already released). */
  async release(orderId: string, sku: string): Promise<StockLine> {
    const held = (await this.read(sku))?.reservations?.[orderId];
    if (held === undefined) return { sku, quantity: 0 };
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { sku },
          UpdateExpression: 'SET available = available + :q, reserved = reserved - :q REMOVE reservations.#order',
          ConditionExpression: 'reservations.#order = :q',
          ExpressionAttributeNames: { '#order': orderId },
          ExpressionAttributeValues: { ':q': held },
        }),
      );
      return { sku, quantity: held };
    } catch (error) {
      // The entry is gone: a concurrent release of the same order got there first (reserve never changes an entry).
      if (error instanceof ConditionalCheckFailedException) return { sku, quantity: 0 };
      throw error;
    }
  }

  /** What every order holds, by order: orderId → the skus it holds. The whole table is scanned, page by page. */
  async holdings(): Promise<Map<string, string[]>> {
    const byOrder = new Map<string, string[]>();
    for await (const item of scanItems<Pick<StockItem, 'sku' | 'reservations'>>({ TableName: this.tableName, ProjectionExpression: 'sku, reservations' }, this.db)) {
      for (const orderId of Object.keys(item.reservations ?? {})) byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), item.sku]);
    }
    return byOrder;
  }

  private async read(sku: string): Promise<StockItem | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { sku }, ConsistentRead: true }));
    return Item as StockItem | undefined;
  }
}

const level = ({ sku, available, reserved }: StockItem): StockLevel => ({ sku, available, reserved });

export const stockTable = () => new StockTable(dynamoDocuments(), requiredEnv('STOCK_TABLE'));
