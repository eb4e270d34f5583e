import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StockLine } from '../domain/events';
import type { PreviousReservation, ReservationRecord, ReservationStatus, Settlement } from '../domain/reservation';
import { dynamoDocuments, requiredEnv } from '@shop/service-kit';

/**
 * The reservations table (pk `orderId`): one record per order, the meeting point of the two sagas. Each write is a
 * single (conditional) UpdateItem, so a cancellation that arrives before, during or after the reservation is seen.
 * Each one stamps `updatedAt` (epoch ms): the first step of either saga writes the record, so a record older than an
 * Express execution can last has no saga working on it (the cancelled-holds sweep relies on this).
 */
export class ReservationsTable {
  constructor(
    private readonly db: Pick<DynamoDBDocumentClient, 'send'>,
    private readonly tableName: string,
  ) {}

  /**
   * Starts (or resumes) a reservation and answers the record: RESERVING, or what it already was (CANCELLED when the
   * cancellation came first, or settled by an earlier execution). if_not_exists keeps an existing status, so this needs
   * no condition.
   */
  async begin(orderId: string, items: StockLine[], now = Date.now()): Promise<ReservationRecord> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { orderId },
        UpdateExpression: 'SET #status = if_not_exists(#status, :reserving), #items = if_not_exists(#items, :items), updatedAt = :now',
        ExpressionAttributeNames: { '#status': 'status', '#items': 'items' },
        ExpressionAttributeValues: { ':reserving': 'RESERVING', ':items': items, ':now': now },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes as ReservationRecord;
  }

  /** Records the settlement if the order is still RESERVING; answers the status the record has afterwards. */
  async settle(orderId: string, settlement: Settlement, now = Date.now()): Promise<ReservationStatus> {
    const failed = settlement.outcome === 'FAILED';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { orderId },
          UpdateExpression: `SET #status = :status, reserved = :reserved, updatedAt = :now${failed ? ', reason = :reason, unavailable = :unavailable' : ''}`,
          ConditionExpression: '#status = :reserving',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': settlement.outcome,
            ':reserving': 'RESERVING',
            // A failed order holds nothing once the saga has given back its partial reservation.
            ':reserved': failed ? [] : settlement.reserved,
            ':now': now,
            ...(failed && { ':reason': settlement.reason, ':unavailable': settlement.unavailable }),
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

  async get(orderId: string): Promise<ReservationRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { orderId }, ConsistentRead: true }));
    return Item as ReservationRecord | undefined;
  }

  /** Marks the order CANCELLED (creating a tombstone if it was never placed here) and answers what it was before. */
  async cancel(orderId: string, now = Date.now()): Promise<PreviousReservation | undefined> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { orderId },
        UpdateExpression: 'SET #status = :cancelled, updatedAt = :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':cancelled': 'CANCELLED', ':now': now },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes as PreviousReservation | undefined;
  }

  /** The order holds nothing any more; `released` keeps what was given back. */
  async finishRelease(orderId: string, released: StockLine[], now = Date.now()): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { orderId },
        UpdateExpression: 'SET reserved = :none, released = :released, updatedAt = :now',
        ExpressionAttributeValues: { ':none': [], ':released': released, ':now': now },
      }),
    );
  }
}

export const reservationsTable = () => new ReservationsTable(dynamoDocuments(), requiredEnv('RESERVATIONS_TABLE'));
