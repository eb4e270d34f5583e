import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StockLine } from '../domain/events';
import type { PreviousReservation, ReservationStatus, Settlement } from '../domain/reservation';
import { dynamoDocuments, requiredEnv } from '@shop/service-kit';

/**
 * The reservations table (pk `orderId`): one record per order, the meeting point of the two sagas. Each write is a
 * single (conditional) UpdateItem, so a cancellation that arrives before, during or after the reservation is seen.
 */
export class ReservationsTable {
  constructor(
    private readonly db: Pick<DynamoDBDocumentClient, 'send'>,
    private readonly tableName: string,
  ) {}

  /**
   * Starts (or resumes) a reservation and answers the record's status: RESERVING, or what it already was (CANCELLED
   * when the cancellation came first). if_not_exists keeps an existing status, so this needs no condition.
   */
  async begin(orderId: string, items: StockLine[]): Promise<ReservationStatus> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { orderId },
        UpdateExpression: 'SET #status = if_not_exists(#status, :reserving), #items = if_not_exists(#items, :items)',
        ExpressionAttributeNames: { '#status': 'status', '#items': 'items' },
        ExpressionAttributeValues: { ':reserving': 'RESERVING', ':items': items },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return (Attributes as { status: ReservationStatus }).status;
  }

  /** Records the settlement if the order is still RESERVING; answers the status the record has afterwards. */
  async settle(orderId: string, settlement: Settlement): Promise<ReservationStatus> {
    const failed = settlement.outcome === 'FAILED';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { orderId },
          UpdateExpression: `SET #status = :status, reserved = :reserved${failed ? ', unavailable = :unavailable' : ''}`,
          ConditionExpression: '#status = :reserving',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': settlement.outcome,
            ':reserving': 'RESERVING',
            // A failed order holds nothing once the saga has given back its partial reservation.
            ':reserved': failed ? [] : settlement.reserved,
            ...(failed && { ':unavailable': settlement.unavailable }),
          },
        }),
      );
      return settlement.outcome;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // Cancelled meanwhile, or this step is a retry of one that already settled.
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { orderId }, ConsistentRead: true }));
    return (Item as { status: ReservationStatus }).status;
  }

  async get(orderId: string): Promise<PreviousReservation | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { orderId }, ConsistentRead: true }));
    return Item as PreviousReservation | undefined;
  }

  /** Marks the order CANCELLED (creating a tombstone if it was never placed here) and answers what it was before. */
  async cancel(orderId: string): Promise<PreviousReservation | undefined> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { orderId },
        UpdateExpression: 'SET #status = :cancelled',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':cancelled': 'CANCELLED' },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes as PreviousReservation | undefined;
  }

  /** The order holds nothing any more; `released` keeps what was given back. */
  async finishRelease(orderId: string, released: StockLine[]): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { orderId },
        UpdateExpression: 'SET reserved = :none, released = :released',
        ExpressionAttributeValues: { ':none': [], ':released': released },
      }),
    );
  }
}

export const reservationsTable = () => new ReservationsTable(dynamoDocuments(), requiredEnv('RESERVATIONS_TABLE'));
