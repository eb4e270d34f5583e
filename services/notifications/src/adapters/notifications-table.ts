import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDocuments } from '@shop/service-kit';
import type { NotificationTemplate, Outcome } from '../domain/events';

/** A sent notification as the API shows it (an item of the notifications table with status SENT). */
export interface NotificationView {
  orderId: string;
  outcome: Outcome;
  template: NotificationTemplate;
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
        ProjectionExpression: 'orderId, outcome, #template, recipient, subject, sentAt, providerMessageId',
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((page.Items ?? []) as NotificationView[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
