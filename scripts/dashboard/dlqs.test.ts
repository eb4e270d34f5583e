import { startLocalCloud } from '../../libs/local-cloud/src';
import type { DlqMessage } from '../redrive-dlq';
import { deadLetterQueues, dlqReason, redrive } from './dlqs';

const string = (StringValue: string) => ({ DataType: 'String', StringValue });
const event = { version: '0', id: 'e-1', source: 'shop.orders', 'detail-type': 'OrderPlaced.v2', detail: { metadata: { id: 'm-1' }, data: { orderId: 'o-1' } } };
const message = (extra: Partial<DlqMessage>): DlqMessage & { MessageId: string } => ({ MessageId: 'msg-1', Body: JSON.stringify(event), ...extra });

describe('why a message is in a DLQ', () => {
  it('reads an EventBridge rule DLQ message from the attributes EventBridge adds', () => {
    const why = dlqReason(
      message({
        MessageAttributes: {
          RULE_ARN: string('arn:aws:events:us-east-1:000000000000:rule/shop-dev/pay'),
          TARGET_ARN: string('arn:aws:lambda:us-east-1:000000000000:function:pay'),
          ERROR_CODE: string('ResourceNotFoundException'),
          ERROR_MESSAGE: string('Function not found'),
          RETRY_ATTEMPTS: string('0'),
          EXHAUSTED_RETRY_CONDITION: string('MaximumRetryAttempts'),
        },
      }),
    );
    expect(why).toEqual({
      kind: 'rule-target',
      reason: 'ResourceNotFoundException: Function not found (MaximumRetryAttempts)',
      failed: 'arn:aws:events:us-east-1:000000000000:rule/shop-dev/pay → arn:aws:lambda:us-east-1:000000000000:function:pay',
      attempts: '0 retries',
      event: { source: 'shop.orders', detailType: 'OrderPlaced.v2', orderId: 'o-1' },
    });
  });

  it('reads a Lambda on-failure destination record: its condition and the error the function returned', () => {
    const record = {
      version: '1.0',
      requestContext: { requestId: 'r-1', functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:notify:$LATEST', condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: event,
      responseContext: { statusCode: 200, functionError: 'Unhandled' },
      responsePayload: { errorType: 'StateMachineDoesNotExist', errorMessage: 'State Machine Does Not Exist: not-deployed' },
    };
    expect(dlqReason(message({ Body: JSON.stringify(record) }))).toEqual({
      kind: 'lambda-on-failure',
      reason: 'RetriesExhausted: StateMachineDoesNotExist: State Machine Does Not Exist: not-deployed',
      failed: 'arn:aws:lambda:us-east-1:000000000000:function:notify',
      attempts: '3 invocations',
      event: { source: 'shop.orders', detailType: 'OrderPlaced.v2', orderId: 'o-1' },
    });
    const aged = { requestContext: { condition: 'EventAgeExceeded', functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:notify:$LATEST' }, requestPayload: event };
    expect(dlqReason(message({ Body: JSON.stringify(aged) }))).toMatchObject({ kind: 'lambda-on-failure', reason: 'EventAgeExceeded' });
  });

  it('reads a Lambda function DLQ message from its ErrorCode and ErrorMessage attributes', () => {
    const why = dlqReason(message({ MessageAttributes: { RequestID: string('r-1'), ErrorCode: { DataType: 'Number', StringValue: '200' }, ErrorMessage: string('boom') } }));
    expect(why).toEqual({ kind: 'lambda-dlq', reason: '200: boom', event: { source: 'shop.orders', detailType: 'OrderPlaced.v2', orderId: 'o-1' } });
  });

  it('reads an SQS redrive DLQ message from its source queue, and says when it knows none of these', () => {
    const source = 'arn:aws:sqs:us-east-1:000000000000:work';
    expect(dlqReason(message({ Body: 'plain text', Attributes: { DeadLetterQueueSourceArn: source } }))).toEqual({
      kind: 'sqs-redrive',
      reason: `received too many times (maxReceiveCount) from ${source}`,
      failed: source,
      event: undefined,
    });
    expect(dlqReason(message({ Body: '{"hello":1}' }))).toEqual({ kind: 'unknown', reason: 'not a message of a known DLQ kind', event: undefined });
  });

  it('reads a FailedSagasQueue message: the status-change event of the execution, its error and cause, its order', () => {
    const executionArn = 'arn:aws:states:us-east-1:000000000000:execution:shop-orders-dev-order:o-1';
    const statusChange = {
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      detail: { executionArn, stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:shop-orders-dev-order', status: 'FAILED', input: '{"orderId":"o-1"}', error: 'Lambda.ServiceException', cause: 'down', redriveCount: 1 },
    };
    expect(dlqReason(message({ Body: JSON.stringify(statusChange) }))).toEqual({
      kind: 'failed-execution',
      reason: 'FAILED: Lambda.ServiceException: down',
      failed: executionArn,
      attempts: '1 redrive before',
      event: { source: 'aws.states', detailType: 'Step Functions Execution Status Change', orderId: 'o-1' },
    });
  });
});

describe('finding the DLQs', () => {
  it('finds every queue the configuration names as a DLQ, with the role it plays, and peeks at their messages', async () => {
    const local = await startLocalCloud({ port: 0 });
    try {
      const queue = async (name: string, attributes: Record<string, string> = {}) =>
        ((await local.sqs.dispatch('CreateQueue', { QueueName: name, Attributes: attributes })) as { QueueUrl: string }).QueueUrl;
      const arn = (name: string) => local.cloud.arn('sqs', name);
      await queue('redrive-dlq');
      await queue('work', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('redrive-dlq'), maxReceiveCount: 3 }) });
      await queue('rule-dlq');
      await queue('fn-dlq');
      await queue('plain');
      await queue('failed-sagas');
      await local.events.dispatch('PutRule', { Name: 'r', EventPattern: JSON.stringify({ source: ['x'] }) });
      await local.events.dispatch('PutRule', { Name: 'failed', EventPattern: JSON.stringify({ source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'] }) });
      await local.events.dispatch('PutTargets', { Rule: 'failed', Targets: [{ Id: 'q', Arn: arn('failed-sagas') }] });
      await local.events.dispatch('PutTargets', { Rule: 'r', Targets: [{ Id: 't', Arn: arn('plain'), DeadLetterConfig: { Arn: arn('rule-dlq') } }] });
      local.lambda.registerFunction({ functionName: 'fn', handler: 'h.handler', servicePath: __dirname, onFailureDestinationArn: arn('fn-dlq'), deadLetterTargetArn: arn('fn-dlq') });
      await local.sqs.sendMessage(arn('rule-dlq'), JSON.stringify(event), { RULE_ARN: { DataType: 'String', StringValue: 'arn:aws:events:us-east-1:000000000000:rule/r' }, ERROR_CODE: { DataType: 'String', StringValue: 'X' } });

      const queues = await deadLetterQueues(local);

      expect(queues.map((q) => [q.name, q.roles])).toEqual([
        ['failed-sagas', [{ kind: 'failed-execution', rule: 'failed' }]],
        ['fn-dlq', [{ kind: 'lambda-on-failure', functionName: 'fn' }, { kind: 'lambda-dlq', functionName: 'fn' }]],
        ['redrive-dlq', [{ kind: 'sqs-redrive', source: 'work', maxReceiveCount: 3 }]],
        ['rule-dlq', [{ kind: 'rule-target', rule: 'r', bus: 'default', target: arn('plain') }]],
      ]);
      expect(queues[3]!.messages).toEqual([expect.objectContaining({ why: expect.objectContaining({ kind: 'rule-target', reason: 'X: ' }) })]);
      expect(local.sqs.peekMessages(arn('rule-dlq'))).toHaveLength(1);
      await expect(redrive(local, queues[1]!.url.replace('fn-dlq', 'plain'))).rejects.toThrow('is not a dead-letter queue');
    } finally {
      await local.stop();
    }
  });
});
