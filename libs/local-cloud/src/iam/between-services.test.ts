import path from 'node:path';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateStateMachineCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { CloudActivity } from '../cloud';
import { startLocalCloud, type LocalCloud } from '../index';
import { clientConfig } from '../lambda/fixtures/activity';
import { policyDocument } from './policy-document';

/**
 * The checks AWS makes between services, with IAM on: what EventBridge may deliver to a rule's targets and DLQ, as
 * the queue policies, Lambda permissions and target roles allow.
 */

const FIXTURES = path.join(__dirname, '../lambda/fixtures');
let local: LocalCloud;
let sqs: SQSClient;
let events: EventBridgeClient;
let sfn: SFNClient;
const activity: CloudActivity[] = [];
let n = 0;

beforeAll(async () => {
  local = await startLocalCloud({ port: 0, timeScale: 0.001 });
  sqs = new SQSClient(clientConfig(local.url));
  events = new EventBridgeClient(clientConfig(local.url));
  sfn = new SFNClient(clientConfig(local.url));
  local.cloud.monitor.on('activity', (entry: CloudActivity) => activity.push(entry));
});
afterAll(async () => {
  for (const client of [sqs, events, sfn]) client.destroy();
  await local.stop();
});

async function queue(name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

/** The queue policy a template gives a rule's DLQ or queue target: events.amazonaws.com may send, for these rules. */
async function allowRules(target: { url: string; arn: string }, ...ruleArns: string[]): Promise<void> {
  const policy = { Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: target.arn, Condition: { ArnEquals: { 'aws:SourceArn': ruleArns } } }] };
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: target.url, Attributes: { Policy: JSON.stringify(policy) } }));
}

async function messages(url: string) {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
  return Messages;
}

/** A rule on its own source with one target; answers the rule's ARN and the source to put events with. */
async function rule(target: Record<string, unknown>): Promise<{ ruleArn: string; source: string; put: () => Promise<void> }> {
  const name = `iam-rule-${++n}`;
  const source = `test.iam.${n}`;
  const { RuleArn } = await events.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: [source] }) }));
  await events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'target', ...target } as never] }));
  const put = async () => {
    await events.send(new PutEventsCommand({ Entries: [{ Source: source, DetailType: 'Poke', Detail: '{"n":1}' }] }));
    await local.events.drain();
  };
  return { ruleArn: RuleArn!, source, put };
}

const errorCodeOf = (message: { MessageAttributes?: Record<string, { StringValue?: string }> }) => message.MessageAttributes?.ERROR_CODE?.StringValue;

describe('EventBridge targets, as their resource policies and roles allow', () => {
  it('sends to an SQS target whose queue policy names the rule', async () => {
    const target = await queue(`iam-target-${n + 1}`);
    const { ruleArn, put } = await rule({ Arn: target.arn });
    await allowRules(target, ruleArn);
    await put();
    expect(await messages(target.url)).toHaveLength(1);
  });

  it('sends an event to the DLQ with NO_PERMISSIONS, at once, when the target queue has no policy', async () => {
    const target = await queue(`iam-unshared-${n + 1}`);
    const dlq = await queue(`iam-dlq-${n + 1}`);
    const { ruleArn, put } = await rule({ Arn: target.arn, DeadLetterConfig: { Arn: dlq.arn }, RetryPolicy: { MaximumRetryAttempts: 5 } });
    await allowRules(dlq, ruleArn);
    await put();
    expect(await messages(target.url)).toEqual([]);
    const [dead] = await messages(dlq.url);
    expect(errorCodeOf(dead!)).toBe('NO_PERMISSIONS');
    expect(dead!.MessageAttributes?.RETRY_ATTEMPTS?.StringValue).toBe('0');
    expect(dead!.MessageAttributes?.ERROR_MESSAGE?.StringValue).toBe(
      `User: events.amazonaws.com is not authorized to perform: sqs:SendMessage on resource: ${target.arn} because no resource-based policy allows the sqs:SendMessage action`,
    );
  });

  it('drops the event when the DLQ policy does not name the rule: the DLQ gets nothing (InvocationsFailedToBeSentToDlq)', async () => {
    const target = await queue(`iam-unshared-${n + 1}`);
    const dlq = await queue(`iam-foreign-dlq-${n + 1}`);
    const { ruleArn, put } = await rule({ Arn: target.arn, DeadLetterConfig: { Arn: dlq.arn } });
    await allowRules(dlq, `${ruleArn}-another-rule`);
    await put();
    expect(await messages(dlq.url)).toEqual([]);
    const dropped = activity.filter((a) => a.type === 'event.dropped' && a.ruleArn === ruleArn);
    expect(dropped).toEqual([expect.objectContaining({ deadLetterQueueArn: dlq.arn, errorCode: 'NO_PERMISSIONS', reason: expect.stringContaining('not authorized to perform: sqs:SendMessage') })]);
  });

  it('invokes a Lambda target only with a permission for events.amazonaws.com and the rule', async () => {
    const fn = local.lambda.registerFunction({ functionName: `iam-fn-${n + 1}`, handler: 'handlers.echo', servicePath: FIXTURES });
    const dlq = await queue(`iam-fn-dlq-${n + 1}`);
    const { ruleArn, put } = await rule({ Arn: fn.arn, DeadLetterConfig: { Arn: dlq.arn } });
    await allowRules(dlq, ruleArn);
    await put();
    expect((await messages(dlq.url)).map(errorCodeOf)).toEqual(['NO_PERMISSIONS']);

    local.iam.policies.addPermission(fn.arn, { Sid: 'events', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: fn.arn, Condition: { ArnLike: { 'AWS:SourceArn': ruleArn } } });
    await put();
    await local.lambda.asyncSettled();
    expect(await messages(dlq.url)).toEqual([]);
    expect(activity.filter((a) => a.type === 'delivery.succeeded' && a.ruleArn === ruleArn)).toHaveLength(1);
  });

  it("starts a state machine target with the target's role: it must trust EventBridge and may StartExecution", async () => {
    const roleArn = `arn:aws:iam::${local.cloud.accountId}:role/iam-target-role-${n + 1}`;
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: `iam-machine-${n + 1}`, roleArn, definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }) }),
    );
    const trust = policyDocument({ Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, 'trust');
    local.iam.policies.putRole({ arn: roleArn, trustPolicy: trust });
    const dlq = await queue(`iam-machine-dlq-${n + 1}`);
    const { ruleArn, put } = await rule({ Arn: stateMachineArn, RoleArn: roleArn, DeadLetterConfig: { Arn: dlq.arn } });
    await allowRules(dlq, ruleArn);
    await put();
    const [dead] = await messages(dlq.url);
    expect(errorCodeOf(dead!)).toBe('NO_PERMISSIONS');
    expect(dead!.MessageAttributes?.ERROR_MESSAGE?.StringValue).toMatch(/assumed-role\/iam-target-role-\d+\/iam-rule-\d+ is not authorized to perform: states:StartExecution/);

    local.iam.policies.putRolePolicy(roleArn, 'start', policyDocument({ Statement: [{ Effect: 'Allow', Action: 'states:StartExecution', Resource: stateMachineArn }] }, 'start'));
    await put();
    expect(await messages(dlq.url)).toEqual([]);
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions).toHaveLength(1);
  });
});

describe("Lambda's own calls, with the function's role", () => {
  const lambdaTrust = policyDocument({ Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, 'trust');

  it('refuses an SQS event source mapping whose function role may not poll the queue, as CreateEventSourceMapping does', async () => {
    const source = await queue(`iam-source-${++n}`);
    const roleArn = `arn:aws:iam::${local.cloud.accountId}:role/iam-poller-${n}`;
    local.iam.policies.putRole({ arn: roleArn, trustPolicy: lambdaTrust });
    const fn = local.lambda.registerFunction({ functionName: `iam-poller-${n}`, handler: 'handlers.echo', servicePath: FIXTURES, roleArn });
    await expect(local.lambda.createEventSourceMapping({ functionName: fn.functionName, queueArn: source.arn })).rejects.toMatchObject({
      code: 'InvalidParameterValueException',
      message: 'The provided execution role does not have permissions to call ReceiveMessage on SQS',
    });
    const poll = policyDocument({ Statement: [{ Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Resource: source.arn }] }, 'poll');
    local.iam.policies.putRolePolicy(roleArn, 'poll', poll);
    const mapping = await local.lambda.createEventSourceMapping({ functionName: fn.functionName, queueArn: source.arn });
    await local.lambda.deleteEventSourceMapping(mapping.uuid);
  });

  it("sends a failed invocation's record to its on-failure destination only if the function's role may", async () => {
    const destination = await queue(`iam-destination-${++n}`);
    const roleArn = `arn:aws:iam::${local.cloud.accountId}:role/iam-failing-${n}`;
    local.iam.policies.putRole({ arn: roleArn, trustPolicy: lambdaTrust });
    const fn = local.lambda.registerFunction({ functionName: `iam-failing-${n}`, handler: 'handlers.fail', servicePath: FIXTURES, roleArn, maximumRetryAttempts: 0, onFailureDestinationArn: destination.arn });
    await local.lambda.invokeAsync(fn.functionName, '{}');
    await local.lambda.asyncSettled();
    expect(await messages(destination.url)).toEqual([]);
    expect(activity.filter((a) => a.type === 'destination.failed' && a.functionName === fn.functionName)).toEqual([
      expect.objectContaining({ kind: 'on-failure', error: expect.stringContaining(`assumed-role/iam-failing-${n}/iam-failing-${n} is not authorized to perform: sqs:SendMessage`) }),
    ]);

    local.iam.policies.putRolePolicy(roleArn, 'destination', policyDocument({ Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: destination.arn }] }, 'destination'));
    await local.lambda.invokeAsync(fn.functionName, '{}');
    await local.lambda.asyncSettled();
    expect(await messages(destination.url)).toHaveLength(1);
  });
});
