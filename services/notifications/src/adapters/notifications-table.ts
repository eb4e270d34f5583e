import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocuments, isConditionFailed, requiredEnv, scanItems, traced } from '@shop/service-kit';
import { recordedSend, type NotificationClaim, type SentRecord } from '../domain/claim';
import type { NotificationTemplate, Outcome } from '../domain/events';

/** A sent notification as the API shows it (an item of the notifications table with status SENT). */
export interface NotificationView {
  orderId: string;
  outcome: Outcome;
  template: NotificationTemplate;
  /** Whose it is (absent from notifications sent before the API was per customer: only admins see those). */
  customerId?: string;
  recipient: string;
  subject: string;
  sentAt: string;
  providerMessageId: string;
}


/** The sent notifications of an order (at most one per outcome: the table's sort key), oldest outcome key first. */
export async function listSentNotifications(
  orderId: string,
  tableName: string,
  db: Pick<DynamoDBDocumentClient, 'send'> = dynamoDocuments(),
): Promise<NotificationView[]> {
  const items: NotificationView[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'orderId = :orderId',
        // A claim still CLAIMED is a send in progress (or one whose outcome is unknown): not a notification yet.
        FilterExpression: '#status = :sent',
        ExpressionAttributeNames: { '#status': 'status', '#template': 'template' },
        ExpressionAttributeValues: { ':orderId': orderId, ':sent': 'SENT' },
        ProjectionExpression: 'orderId, outcome, #template, customerId, recipient, subject, sentAt, providerMessageId',
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((page.Items ?? []) as NotificationView[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

// The SENT record is written after SES accepted the e-mail: every failed write there is a chance of a second e-mail
// (the step is retried and sends again), so it gets more SDK attempts than the default 3 (standard mode: exponential
// backoff with jitter, about 3 s at most in all, within the function's 10 s).
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
let claimsClient: DynamoDBDocumentClient | undefined;
const claimsDocuments = () => (claimsClient ??= DynamoDBDocumentClient.from(traced(new DynamoDBClient({ maxAttempts: 6 }))));

/** The claims of the notifications table, as the sendEmail step reads and settles its own. */
export class NotificationClaims {
  constructor(
    private readonly tableName: string,
    private readonly client: Pick<DynamoDBDocumentClient, 'send'> = claimsDocuments(),
  ) {}

  static fromEnv(): NotificationClaims {
    return new NotificationClaims(requiredEnv('NOTIFICATIONS_TABLE'));
  }

  /** Every claim still CLAIMED (a send in progress, or one whose execution ended without settling it), page by page. */
  claimed(): AsyncGenerator<Pick<NotificationClaim, 'orderId' | 'outcome' | 'claimedBy'>> {
    return scanItems(
      {
        TableName: this.tableName,
        FilterExpression: '#status = :claimed',
        ProjectionExpression: 'orderId, outcome, claimedBy',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':claimed': 'CLAIMED' },
      },
      this.client,
    );
  }

  /**
   * Releases `claimedBy`'s claim so that another attempt can send the outcome (only the stale-claims sweep does: the
   * saga keeps its claim to be redriven); false when it is no longer that execution's CLAIMED claim.
   */
  async release(orderId: string, outcome: Outcome, claimedBy: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { orderId, outcome },
          ConditionExpression: '#status = :claimed AND claimedBy = :me',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':claimed': 'CLAIMED', ':me': claimedBy },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async get(orderId: string, outcome: Outcome): Promise<NotificationClaim | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { orderId, outcome }, ConsistentRead: true }));
    return Item as NotificationClaim | undefined;
  }

  /**
   * CLAIMED → SENT with the message id, on `claimedBy`'s own claim only. A false condition that finds the claim SENT
   * by `claimedBy` is this write already applied (its answer lost, the SDK sent it again): the record is answered.
   */
  async markSent(orderId: string, outcome: Outcome, claimedBy: string, sent: SentRecord): Promise<SentRecord> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { orderId, outcome },
          UpdateExpression: 'SET #status = :sent, providerMessageId = :messageId, sentAt = :sentAt',
          ConditionExpression: '#status = :claimed AND claimedBy = :me',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sent': 'SENT', ':claimed': 'CLAIMED', ':me': claimedBy, ':messageId': sent.messageId, ':sentAt': sent.sentAt },
        }),
      );
      return sent;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const recorded = recordedSend(await this.get(orderId, outcome), claimedBy);
      if (!recorded) throw error;
      return recorded;
    }
  }
}
