import { PutRuleCommand, PutTargetsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * A rule whose target is a new queue, with the queue policy EventBridge needs to send there, as on AWS (IAM is
 * enforced locally): events.amazonaws.com may SendMessage for this rule only
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions).
 */
export async function ruleToQueue(
  clients: { events: EventBridgeClient; sqs: SQSClient },
  rule: { name: string; eventBusName?: string; eventPattern: object; targetId?: string },
  queueName = rule.name,
): Promise<{ queueUrl: string; queueArn: string; ruleArn: string }> {
  const { events, sqs } = clients;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const { RuleArn } = await events.send(new PutRuleCommand({ Name: rule.name, EventBusName: rule.eventBusName, EventPattern: JSON.stringify(rule.eventPattern) }));
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queueArn, Condition: { ArnEquals: { 'aws:SourceArn': RuleArn } } }],
  };
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify(policy) } }));
  await events.send(new PutTargetsCommand({ Rule: rule.name, EventBusName: rule.eventBusName, Targets: [{ Id: rule.targetId ?? 'queue', Arn: queueArn }] }));
  return { queueUrl, queueArn, ruleArn: RuleArn! };
}
