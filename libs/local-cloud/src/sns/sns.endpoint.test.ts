import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTopicsCommand,
  NotFoundException,
  PublishBatchCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import path from 'node:path';
import { startLocalCloud, type LocalCloud } from '../index';
import { remembered } from '../lambda/fixtures/handlers';
import { localClientConfig } from '../schemas/rest-test-server';

/** SNS through the SDK v3 (the query protocol), delivering to SQS, Lambda and e-mail. */
describe('SNS on the emulator endpoint', () => {
  let local: LocalCloud;
  let sns: SNSClient;
  let sqs: SQSClient;

  beforeAll(async () => {
    // The fixtures declare no queue policies or permissions: IAM is off here; its checks between services are tested in iam/.
    local = await startLocalCloud({ port: 0, iam: false });
    sns = new SNSClient(localClientConfig(local.url));
    sqs = new SQSClient(localClientConfig(local.url));
    local.lambda.registerFunction({ functionName: 'sns-listener', handler: 'handlers.remember', servicePath: path.join(__dirname, '../lambda/fixtures') });
  });

  afterAll(async () => {
    sns.destroy();
    sqs.destroy();
    await local.stop();
  });

  async function queue(name: string): Promise<{ url: string; arn: string }> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    return { url: QueueUrl!, arn: Attributes!.QueueArn! };
  }

  async function receive(url: string) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5, MessageAttributeNames: ['All'] }));
    return Messages;
  }

  it('creates topics idempotently, lists them and answers their attributes', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'shop-alarms-dev', Attributes: { DisplayName: 'Shop alarms' } }));
    expect(TopicArn).toBe('arn:aws:sns:us-east-1:000000000000:shop-alarms-dev');
    expect((await sns.send(new CreateTopicCommand({ Name: 'shop-alarms-dev', Attributes: { DisplayName: 'Shop alarms' } }))).TopicArn).toBe(TopicArn);
    await expect(sns.send(new CreateTopicCommand({ Name: 'shop-alarms-dev', Attributes: { DisplayName: 'Other' } }))).rejects.toThrow(InvalidParameterException);
    await expect(sns.send(new CreateTopicCommand({ Name: 'bad name!' }))).rejects.toThrow(expect.objectContaining({ name: 'InvalidParameterException', message: expect.stringContaining('Topic Name') }));
    expect((await sns.send(new ListTopicsCommand({}))).Topics).toContainEqual({ TopicArn });
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
    expect(Attributes).toMatchObject({ TopicArn, DisplayName: 'Shop alarms', Owner: '000000000000', SubscriptionsConfirmed: '0' });
    await expect(sns.send(new GetTopicAttributesCommand({ TopicArn: `${TopicArn}-missing` }))).rejects.toThrow(NotFoundException);
  });

  it('delivers the notification envelope to an SQS subscriber, and the bare message with RawMessageDelivery', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'to-queues' }));
    const enveloped = await queue('sns-enveloped');
    const raw = await queue('sns-raw');
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: enveloped.arn }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: raw.arn, Attributes: { RawMessageDelivery: 'true' } }));
    const { MessageId } = await sns.send(
      new PublishCommand({ TopicArn, Subject: 'Order confirmed', Message: '{"orderId":"o-1"}', MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } } }),
    );

    const [message] = await receive(enveloped.url);
    expect(JSON.parse(message!.Body!)).toEqual({
      Type: 'Notification',
      MessageId,
      TopicArn,
      Subject: 'Order confirmed',
      Message: '{"orderId":"o-1"}',
      Timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      SignatureVersion: '1',
      Signature: expect.any(String),
      SigningCertURL: expect.stringContaining(local.url),
      UnsubscribeURL: expect.stringContaining(encodeURIComponent(SubscriptionArn!)),
      MessageAttributes: { kind: { Type: 'String', Value: 'order' } },
    });
    const [bare] = await receive(raw.url);
    expect(bare).toMatchObject({ Body: '{"orderId":"o-1"}', MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } } });
  });

  it('invokes a Lambda subscriber asynchronously with the SNS event', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'to-lambda' }));
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: local.cloud.arn('lambda', 'function:sns-listener') }));
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Message: 'hello lambda' }));
    await local.sns.settled();
    await local.lambda.asyncSettled();
    expect(remembered).toContainEqual({
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: SubscriptionArn,
          Sns: expect.objectContaining({ Type: 'Notification', MessageId, TopicArn, Subject: null, Message: 'hello lambda', MessageAttributes: {}, SigningCertUrl: expect.any(String), UnsubscribeUrl: expect.any(String) }),
        },
      ],
    });
  });

  it('captures what e-mail subscriptions get (confirmed at once locally) on /_local/sns/emails', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'to-email', Attributes: { DisplayName: 'Shop ops' } }));
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: 'ops@example.com' }));
    expect(SubscriptionArn).toMatch(new RegExp(`^${TopicArn}:`));
    const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    expect(Attributes).toMatchObject({ PendingConfirmation: 'false', Protocol: 'email', Endpoint: 'ops@example.com' });
    await sns.send(new PublishCommand({ TopicArn, Subject: 'ALARM: orders-dlq', Message: 'the orders DLQ has a message' }));
    await local.sns.settled();
    const { emails } = (await (await fetch(`${local.url}/_local/sns/emails?to=ops@example.com`)).json()) as { emails: Array<Record<string, string>> };
    expect(emails).toEqual([
      expect.objectContaining({ to: 'ops@example.com', topicArn: TopicArn, subject: 'ALARM: orders-dlq', from: 'Shop ops <no-reply@sns.amazonaws.com>', body: expect.stringContaining('the orders DLQ has a message') }),
    ]);
    expect((await fetch(`${local.url}/_local/sns/emails`, { method: 'DELETE' })).status).toBe(204);
    expect(local.sns.listEmails()).toEqual([]);
  });

  it('filters by a subscription filter policy, lists and removes subscriptions', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'filtered' }));
    const target = await queue('sns-filtered');
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: target.arn, Attributes: { RawMessageDelivery: 'true' } }));
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: '{"severity":["high"]}' }));
    await sns.send(
      new PublishBatchCommand({
        TopicArn,
        PublishBatchRequestEntries: [
          { Id: 'low', Message: 'low', MessageAttributes: { severity: { DataType: 'String', StringValue: 'low' } } },
          { Id: 'high', Message: 'high', MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } } },
        ],
      }),
    );
    await local.sns.settled();
    expect((await receive(target.url)).map((m) => m.Body)).toEqual(['high']);
    await expect(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: '{"severity":"high"}' }))).rejects.toThrow(
      expect.objectContaining({ name: 'InvalidParameterException', message: expect.stringContaining('FilterPolicy') }),
    );

    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions).toEqual([
      { SubscriptionArn, Owner: '000000000000', Protocol: 'sqs', Endpoint: target.arn, TopicArn },
    ]);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions).toEqual([]);
    await sns.send(new DeleteTopicCommand({ TopicArn }));
    expect((await sns.send(new ListTopicsCommand({}))).Topics).not.toContainEqual({ TopicArn });
    expect((await sns.send(new ListSubscriptionsCommand({}))).Subscriptions?.some((s) => s.TopicArn === TopicArn)).toBe(false);
  });

  it('refuses bad Publish input with the member named', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'strict' }));
    await expect(sns.send(new PublishCommand({ TopicArn, Message: '' }))).rejects.toThrow(expect.objectContaining({ name: 'InvalidParameterException', message: expect.stringContaining('Message') }));
    await expect(sns.send(new PublishCommand({ TopicArn, Message: 'x', Subject: 'line\nbreak' }))).rejects.toThrow(expect.objectContaining({ message: expect.stringContaining('Subject') }));
    await expect(sns.send(new PublishCommand({ TopicArn, Message: 'x'.repeat(262_145) }))).rejects.toThrow(expect.objectContaining({ message: expect.stringContaining('too long') }));
    await expect(sns.send(new PublishCommand({ TopicArn, Message: '{"sqs":"x"}', MessageStructure: 'json' }))).rejects.toThrow(expect.objectContaining({ message: expect.stringContaining('No default entry') }));
    await expect(sns.send(new SubscribeCommand({ TopicArn, Protocol: 'https', Endpoint: 'https://example.com' }))).rejects.toThrow(expect.objectContaining({ message: expect.stringContaining('not emulated') }));
    await expect(sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:nope', Message: 'x' }))).rejects.toThrow(NotFoundException);
  });
});
