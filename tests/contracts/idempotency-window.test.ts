import { CONSUMER_IDEMPOTENCY_EXPIRY_SECONDS } from '@shop/events';
import { contracts, onAwsServiceEvents, packagedResources, type CfnResource } from './services';

/**
 * Every consumer keeps its idempotency records (CONSUMER_IDEMPOTENCY_EXPIRY_SECONDS) at least as long as the longest
 * redelivery it can meet, computed here from what will be deployed: the packaged templates.
 */

const HOUR = 3600;
const DAY = 24 * HOUR;
// AWS's defaults where a template leaves a setting out.
/** https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html */
const DEFAULT_RULE_EVENT_AGE = 24 * HOUR;
/** https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-configuring.html */
const DEFAULT_ASYNC_EVENT_AGE = 6 * HOUR;
/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html */
const DEFAULT_QUEUE_RETENTION = 4 * DAY;

interface Redelivery {
  via: string;
  seconds: number;
}

const getAttArn = (value: unknown): string | undefined => {
  const att = (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  return att?.[1] === 'Arn' ? att[0] : undefined;
};

function retentionOf(resources: Record<string, CfnResource>, arn: unknown, what: string): number {
  const id = getAttArn(arn);
  const queue = id === undefined ? undefined : resources[id];
  if (queue?.Type !== 'AWS::SQS::Queue') throw new Error(`${what} is not an SQS queue of this stack: extend this test for ${JSON.stringify(arn)}`);
  return Number(queue.Properties.MessageRetentionPeriod ?? DEFAULT_QUEUE_RETENTION);
}

/** The archives of the bus (services/event-bus) and how long each can replay an event; 0 or none keeps them forever. */
const archiveRetention = Math.max(
  ...Object.values(packagedResources('event-bus'))
    .filter((r) => r.Type === 'AWS::Events::Archive')
    .map((archive) => (Number(archive.Properties.RetentionDays ?? 0) === 0 ? Infinity : Number(archive.Properties.RetentionDays) * DAY)),
);

/**
 * Each way a consumer can meet an event again, as seconds after the event was first put (the earliest its record can
 * have been written), for every rule target that invokes one of the stack's functions:
 * - retries: the rule target's, then Lambda's asynchronous ones (an event Lambda accepted late is retried from then);
 * - a rule-DLQ redrive: the event sat in the DLQ up to its retention, then is put again and delivered again;
 * - a poison-queue redrive: the invocation record sat there, then is invoked again (asynchronously, npm run redrive);
 * - an archive replay: any archived event up to the archive's retention, then delivered through the same retries.
 */
function redeliveries(service: string): Map<string, Redelivery[]> {
  const resources = packagedResources(service);
  const byFunction = new Map<string, Redelivery[]>();
  // Rules on AWS services' own events feed operators' queues (FailedSagasQueue), not idempotent consumers.
  for (const [ruleId, rule] of Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Events::Rule' && !onAwsServiceEvents(r))) {
    for (const target of (rule.Properties.Targets ?? []) as Array<Record<string, any>>) {
      const functionId = getAttArn(target.Arn);
      if (functionId === undefined || resources[functionId]?.Type !== 'AWS::Lambda::Function') {
        throw new Error(`${service} ${ruleId} target ${target.Id} is not a function of this stack: extend this test for it`);
      }
      const invokeConfig = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && r.Properties.FunctionName?.Ref === functionId);
      const ruleAge = Number(target.RetryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_RULE_EVENT_AGE);
      const asyncAge = Number(invokeConfig?.Properties.MaximumEventAgeInSeconds ?? DEFAULT_ASYNC_EVENT_AGE);
      const retries = ruleAge + asyncAge;
      const ways: Redelivery[] = [
        { via: `${ruleId} retries, then Lambda's`, seconds: retries },
        { via: 'archive replay', seconds: archiveRetention + retries },
      ];
      if (target.DeadLetterConfig?.Arn) {
        ways.push({ via: `${ruleId} DLQ redrive`, seconds: ruleAge + retentionOf(resources, target.DeadLetterConfig.Arn, `${ruleId} DLQ`) + retries });
      }
      const onFailure = invokeConfig?.Properties.DestinationConfig?.OnFailure?.Destination;
      if (onFailure) {
        ways.push({ via: `${functionId} on-failure redrive`, seconds: retries + retentionOf(resources, onFailure, `${functionId} on-failure destination`) + asyncAge });
      }
      byFunction.set(functionId, [...(byFunction.get(functionId) ?? []), ...ways]);
    }
  }
  return byFunction;
}

const consumers = contracts.flatMap(({ service }) =>
  [...redeliveries(service)].map(([functionId, ways]) => {
    const longest = ways.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    return [`${service} ${functionId}`, longest] as const;
  }),
);

describe('idempotency records outlast every redelivery', () => {
  it('finds the consumers of every domain service', () => {
    for (const { service } of contracts) expect({ service, consumers: consumers.some(([name]) => name.startsWith(`${service} `)) }).toEqual({ service, consumers: true });
  });

  it.each(consumers)('%s keeps its records past its longest redelivery', (_, longest) => {
    expect({ longest: longest.via, days: longest.seconds / DAY, covered: CONSUMER_IDEMPOTENCY_EXPIRY_SECONDS >= longest.seconds }).toEqual({
      longest: longest.via,
      days: longest.seconds / DAY,
      covered: true,
    });
  });
});
