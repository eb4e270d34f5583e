import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { clientPerCredentials, dynamoDocuments, isConditionFailed, requiredEnv, scanItems, traced } from '@shop/service-kit';
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
const claimsDocuments = clientPerCredentials(() => DynamoDBDocumentClient.from(traced(new DynamoDBClient({ maxAttempts: 6 }))));
// The Claim step's writes come before anything is sent: one SDK attempt each, so that a throttle or a 5xx fails the
// step at once and the saga retries it, with its own backoff, visibly in the execution's history, within its timeout.
const claimStepDocuments = clientPerCredentials(() => DynamoDBDocumentClient.from(traced(new DynamoDBClient({ maxAttempts: 1 }))));

/** The claims of the notifications table: the Claim step writes them, sendEmail settles its own, the sweep finds the stale. */
export class NotificationClaims {
  constructor(
    private readonly tableName: string,
    private readonly client: Pick<DynamoDBDocumentClient, 'send'> = claimsDocuments(),
  ) {}

  static fromEnv(): NotificationClaims {
    return new NotificationClaims(requiredEnv('NOTIFICATIONS_TABLE'));
  }

  /** As the Claim step writes them: failures are the saga's to retry. */
  static forClaimStep(): NotificationClaims {
    return new NotificationClaims(requiredEnv('NOTIFICATIONS_TABLE'), claimStepDocuments());
  }

  /** Every claim still CLAIMED (a send in progress, or one whose run ended without settling it), page by page. */
  claimed(): AsyncGenerator<NotificationClaim> {
    return scanItems(
      {
        TableName: this.tableName,
        FilterExpression: '#status = :claimed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':claimed': 'CLAIMED' },
      },
      this.client,
    );
  }

  /**
   * Writes `claim` if the outcome has no claim yet (`from` undefined), or if its claim is still `from`'s CLAIMED one
   * (a take-over); false when the condition failed (someone else's write came first, or this very write was applied
   * and its answer lost: the caller reads the claim to tell).
   */
  async put(claim: NotificationClaim, from?: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: claim,
          ...(from === undefined
            ? { ConditionExpression: 'attribute_not_exists(orderId)' }
            : {
                ConditionExpression: '#status = :claimed AND claimedBy = :from',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':claimed': 'CLAIMED', ':from': from },
              }),
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
