import { createHash } from 'node:crypto';

/**
 * What SNS delivers: the notification envelope (to SQS without RawMessageDelivery, and to email-json) and the Lambda
 * event, in the shapes of https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html and
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html. The Lambda event spells `SigningCertUrl` and
 * `UnsubscribeUrl`, the envelope `SigningCertURL` and `UnsubscribeURL`. Locally the signature is a digest of the
 * message, not verifiable with any certificate.
 */

/** Message attributes as notifications carry them: `{ name: { Type, Value } }` (binary values in base64). */
export type MessageAttributes = Record<string, { Type: string; Value: string }>;

export interface Notification {
  messageId: string;
  topicArn: string;
  subject?: string;
  /** The message for protocols without their own in a `json` MessageStructure. */
  message: string;
  /** A `json` MessageStructure: the message for each protocol, `default` for the others. */
  perProtocol?: Record<string, string>;
  attributes: MessageAttributes;
  /** ISO-8601. */
  timestamp: string;
  messageGroupId?: string;
  unsubscribeUrl(subscriptionArn: string): string;
  signingCertUrl: string;
}

export function notificationEnvelope(notification: Notification, subscriptionArn: string, message: string) {
  return {
    Type: 'Notification',
    MessageId: notification.messageId,
    TopicArn: notification.topicArn,
    ...(notification.subject !== undefined ? { Subject: notification.subject } : {}),
    Message: message,
    Timestamp: notification.timestamp,
    SignatureVersion: '1',
    Signature: signatureOf(notification, message),
    SigningCertURL: notification.signingCertUrl,
    UnsubscribeURL: notification.unsubscribeUrl(subscriptionArn),
    ...(Object.keys(notification.attributes).length > 0 ? { MessageAttributes: notification.attributes } : {}),
  };
}

export function lambdaEvent(notification: Notification, subscriptionArn: string, message: string) {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: notification.messageId,
          TopicArn: notification.topicArn,
          Subject: notification.subject ?? null,
          Message: message,
          Timestamp: notification.timestamp,
          SignatureVersion: '1',
          Signature: signatureOf(notification, message),
          SigningCertUrl: notification.signingCertUrl,
          UnsubscribeUrl: notification.unsubscribeUrl(subscriptionArn),
          MessageAttributes: notification.attributes,
        },
      },
    ],
  };
}

function signatureOf(notification: Notification, message: string): string {
  return createHash('sha1').update(`${notification.messageId}\n${notification.topicArn}\n${notification.timestamp}\n${message}`).digest('base64');
}
