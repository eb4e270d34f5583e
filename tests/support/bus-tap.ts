import { DeleteMessageBatchCommand, DeleteQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeleteRuleCommand, EventBridgeClient, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { ruleToQueue } from './rule-queue';

/** An event as it crossed the bus (captured by a test rule on `shop.*` into a queue). */
export interface BusEvent {
  id: string;
  source: string;
  'detail-type': string;
  time: string;
  'replay-name'?: string;
  detail: { metadata: { id: string; correlationId: string }; data: Record<string, any> };
}

export interface BusTap {
  /** Every event that crossed the bus since the tap was made, in arrival order. */
  events(): Promise<BusEvent[]>;
  /** Removes the rule and its queue. */
  remove(): Promise<void>;
  destroy(): void;
}

export interface AwsClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** A rule on every `shop.*` event of the bus, into a queue of its own, read through the SDK (any emulator endpoint). */
export async function createBusTap(config: AwsClientConfig, bus: string, name: string): Promise<BusTap> {
  const sqs = new SQSClient(config);
  const eventBridge = new EventBridgeClient(config);
  const { queueUrl: tapUrl } = await ruleToQueue({ events: eventBridge, sqs }, { name, eventBusName: bus, eventPattern: { source: [{ prefix: 'shop.' }] }, targetId: 'tap' });
  const seen: BusEvent[] = [];
  return {
    async events() {
      for (;;) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: tapUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        if (Messages.length === 0) return [...seen];
        seen.push(...Messages.map((m) => JSON.parse(m.Body!) as BusEvent));
        await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: tapUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
      }
    },
    async remove() {
      await eventBridge.send(new RemoveTargetsCommand({ Rule: name, EventBusName: bus, Ids: ['tap'] }));
      await eventBridge.send(new DeleteRuleCommand({ Name: name, EventBusName: bus }));
      await sqs.send(new DeleteQueueCommand({ QueueUrl: tapUrl }));
    },
    destroy() {
      sqs.destroy();
      eventBridge.destroy();
    },
  };
}
