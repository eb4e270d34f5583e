import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateStateMachineCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MAX_STEP_FUNCTIONS_PAYLOAD_BYTES } from '@shop/aws-limits';
import { startLocalCloud, type LocalCloud } from '../index';
import { clientConfig, recordActivity } from '../lambda/fixtures/activity';

let local: LocalCloud;
let events: EventBridgeClient;
let sqs: SQSClient;
let sfn: SFNClient;

beforeAll(async () => {
  // The fixture declares no roles or policies: IAM is off here; its checks between services are tested in iam/.
  local = await startLocalCloud({ port: 0, timeScale: 0.001, iam: false });
  events = new EventBridgeClient(clientConfig(local.url));
  sqs = new SQSClient(clientConfig(local.url));
  sfn = new SFNClient(clientConfig(local.url));
});

afterAll(async () => {
  for (const client of [events, sqs, sfn]) client.destroy();
  await local.stop();
});

describe('EventBridge delivery through the endpoint', () => {
  it('sends an event a Step Functions target refuses (input over 256 KB) to the rule DLQ at once, without retries', async () => {
    const { QueueUrl: dlqUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'saga-target-dlq' }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'big-saga',
        roleArn: 'arn:aws:iam::000000000000:role/saga',
        definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }),
      }),
    );
    const { RuleArn } = await events.send(new PutRuleCommand({ Name: 'big-orders', EventPattern: JSON.stringify({ source: ['shop.orders'] }) }));
    await events.send(
      new PutTargetsCommand({
        Rule: 'big-orders',
        Targets: [{ Id: 'saga', Arn: stateMachineArn, RetryPolicy: { MaximumRetryAttempts: 5 }, DeadLetterConfig: { Arn: Attributes!.QueueArn } }],
      }),
    );
    // EventBridge takes entries up to 1 MB; the execution input (the whole event) may be at most 256 KB.
    const activity = recordActivity(local.cloud);
    const detail = JSON.stringify({ note: 'x'.repeat(MAX_STEP_FUNCTIONS_PAYLOAD_BYTES) });
    const put = await events.send(new PutEventsCommand({ Entries: [{ Source: 'shop.orders', DetailType: 'OrderPlaced.v1', Detail: detail }] }));
    expect(put.FailedEntryCount).toBe(0);

    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 10, MessageAttributeNames: ['All'] }));
    const attributes = Object.fromEntries(Object.entries(Messages![0]!.MessageAttributes!).map(([name, value]) => [name, value.StringValue]));
    expect(attributes).toEqual({
      RULE_ARN: RuleArn,
      TARGET_ARN: stateMachineArn,
      ERROR_CODE: 'SDK_CLIENT_ERROR',
      ERROR_MESSAGE: expect.stringContaining('Invalid State Machine Execution Input'),
      RETRY_ATTEMPTS: '0',
    });
    expect(JSON.parse(Messages![0]!.Body!).id).toBe(put.Entries![0]!.EventId);
    await local.events.drain();
    expect(activity.filter((entry) => entry.type === 'delivery.failed')).toHaveLength(1);
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions).toEqual([]);
  });
});
