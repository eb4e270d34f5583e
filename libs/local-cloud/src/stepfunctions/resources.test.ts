import { parseTaskResource } from './resources';

describe('parseTaskResource', () => {
  test.each([
    ['arn:aws:lambda:us-east-1:123456789012:function:charge', { action: 'lambda:function', callback: false, resourceType: 'lambda' }],
    ['arn:aws:lambda:eu-west-1:123456789012:function:charge:live', { action: 'lambda:function', callback: false }],
    ['arn:aws:states:::lambda:invoke', { action: 'lambda:invoke', callback: false, resourceType: 'lambda', resource: 'invoke' }],
    ['arn:aws:states:::lambda:invoke.waitForTaskToken', { action: 'lambda:invoke', callback: true, resource: 'invoke.waitForTaskToken' }],
    ['arn:aws:states:::events:putEvents.waitForTaskToken', { action: 'events:putEvents', callback: true, resourceType: 'events' }],
    ['arn:aws:states:::sqs:sendMessage', { action: 'sqs:sendMessage', callback: false, resourceType: 'sqs', resource: 'sendMessage' }],
    ['arn:aws:states:::dynamodb:updateItem', { action: 'dynamodb:updateItem', callback: false, resourceType: 'dynamodb', resource: 'updateItem' }],
    ['arn:aws:states:::states:startExecution', { action: 'states:startExecution', callback: false, resourceType: 'states', resource: 'startExecution' }],
    ['arn:aws:states:us-east-1:123456789012:dynamodb:getItem', { action: 'dynamodb:getItem' }],
  ])('%s', (arn, expected) => {
    expect(parseTaskResource(arn)).toMatchObject({ arn, ...expected });
  });

  test.each([
    'arn:aws:states:::dynamodb:getItem.waitForTaskToken',
    'arn:aws:states:::lambda:invoke.sync',
    'arn:aws:states:::states:startExecution.sync:2',
    'arn:aws:states:::sns:publish',
    'arn:aws:states:::aws-sdk:dynamodb:getItem',
    'arn:aws:states:us-east-1:123456789012:activity:approve',
    'arn:aws:lambda:us-east-1:123456789012:layer:x',
    'not an arn',
  ])('refuses %s', (arn) => {
    expect(parseTaskResource(arn)).toBeUndefined();
  });
});
