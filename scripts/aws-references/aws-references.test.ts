import { checkTemplates, type StackTemplate } from '.';
import { arnMatchesFormat } from './iam';
import type { CfnTemplate } from './placeholders';

type Resources = CfnTemplate['Resources'];

const QUEUE = { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'shop-test-dev-dlq' } };
const TABLE = {
  Type: 'AWS::DynamoDB::Table',
  Properties: { TableName: 'shop-test-dev-things', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] },
};
const FUNCTION = { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'shop-test-dev-step', Runtime: 'nodejs22.x', Handler: 'index.handler', Role: { 'Fn::GetAtt': ['StepRole', 'Arn'] }, Code: { ZipFile: 'x' } } };

/** A role whose one inline policy holds the statement, for the function and the table above. */
function roleWith(statement: Record<string, unknown>) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      Policies: [{ PolicyName: 'step', PolicyDocument: { Version: '2012-10-17', Statement: [statement] } }],
    },
  };
}

/** A Standard state machine whose definition is written as serverless-step-functions writes it (Fn::Sub over ARNs). */
function stateMachineWith(states: Record<string, unknown>) {
  const definition = JSON.stringify({ StartAt: Object.keys(states)[0], States: states }).replace('STEP_ARN', '${step}');
  return {
    Type: 'AWS::StepFunctions::StateMachine',
    Properties: { RoleArn: { 'Fn::GetAtt': ['StepRole', 'Arn'] }, DefinitionString: { 'Fn::Sub': [definition, { step: { 'Fn::GetAtt': ['StepLambdaFunction', 'Arn'] } }] } },
  };
}

const readTable = { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: { 'Fn::GetAtt': ['Things', 'Arn'] } };
/** Without a state machine: asl-validator compiles its schemas on every call (about a second here). */
const base: Resources = { Dlq: QUEUE, Things: TABLE, StepLambdaFunction: FUNCTION, StepRole: roleWith(readTable) };
const sound: Resources = { ...base, Saga: stateMachineWith({ Step: { Type: 'Task', Resource: 'STEP_ARN', End: true } }) };

async function errorsOf(resources: Resources): Promise<string[]> {
  const stack: StackTemplate = { stackName: 'shop-test-dev', template: { Resources: resources } };
  return (await checkTemplates([stack])).errors;
}

describe('checks against AWS references, on seeded errors', () => {
  it('find nothing in a sound template (a queue, a table, a function, its role, a state machine over it)', async () => {
    expect(await errorsOf(sound)).toEqual([]);
  }, 30_000);

  describe('the CloudFormation resource specification', () => {
    it('rejects a resource type that does not exist', async () => {
      expect(await errorsOf({ ...base, Dlq: { ...QUEUE, Type: 'AWS::SQS::Queues' } })).toEqual(['shop-test-dev Dlq: AWS::SQS::Queues is not a CloudFormation resource type']);
    });

    it('rejects a misspelled property', async () => {
      expect(await errorsOf({ ...base, Dlq: { ...QUEUE, Properties: { QueueNme: 'shop-test-dev-dlq' } } })).toEqual(['shop-test-dev Dlq (AWS::SQS::Queue): QueueNme is not a property of this type']);
    });

    it('rejects a misspelled property inside a property type', async () => {
      const table = { ...TABLE, Properties: { ...TABLE.Properties, KeySchema: [{ AttributeName: 'id', KeyTyp: 'HASH' }] } };
      expect(await errorsOf({ ...base, Things: table })).toEqual([
        'shop-test-dev Things (AWS::DynamoDB::Table).KeySchema[0] (KeySchema): required property KeyType is missing',
        'shop-test-dev Things (AWS::DynamoDB::Table).KeySchema[0] (KeySchema): KeyTyp is not a property of this type',
      ]);
    });

    it('rejects a missing required property', async () => {
      const { KeySchema: _, ...rest } = TABLE.Properties;
      expect(await errorsOf({ ...base, Things: { ...TABLE, Properties: rest } })).toEqual(['shop-test-dev Things (AWS::DynamoDB::Table): required property KeySchema is missing']);
    });

    it('rejects a value of the wrong type', async () => {
      expect(await errorsOf({ ...base, Dlq: { ...QUEUE, Properties: { ...QUEUE.Properties, MessageRetentionPeriod: 'two weeks' } } })).toEqual([
        'shop-test-dev Dlq (AWS::SQS::Queue).MessageRetentionPeriod: expected a integer, got "two weeks"',
      ]);
    });

    it('rejects an Fn::GetAtt of an attribute the type does not have, and of a resource that does not exist', async () => {
      const role = roleWith({ ...readTable, Resource: { 'Fn::GetAtt': ['Things', 'TableArn'] } });
      const step = { ...FUNCTION, Properties: { ...FUNCTION.Properties, Role: { 'Fn::GetAtt': ['StepRol', 'Arn'] } } };
      const errors = await errorsOf({ ...base, StepRole: role, StepLambdaFunction: step });
      expect(errors).toContain('shop-test-dev StepRole: Fn::GetAtt Things.TableArn: AWS::DynamoDB::Table has no attribute TableArn (it has Arn, StreamArn)');
      expect(errors).toContain('shop-test-dev StepLambdaFunction: Fn::GetAtt of StepRol, which is not a resource of the template');
    });

    it('rejects a misspelled resource attribute', async () => {
      expect(await errorsOf({ ...base, Things: { ...TABLE, DeletionPolcy: 'Retain' } })).toEqual(['shop-test-dev Things: DeletionPolcy is not a resource attribute CloudFormation knows']);
    });
  });

  describe('the Amazon States Language validators', () => {
    it('reject a state of a type that does not exist', async () => {
      const errors = await errorsOf({ ...sound, Saga: stateMachineWith({ Step: { Type: 'Taks', Resource: 'STEP_ARN', End: true } }) });
      expect(errors.some((e) => e.startsWith('shop-test-dev Saga: amazon-states-language-service:'))).toBe(true);
      expect(errors.some((e) => e.startsWith('shop-test-dev Saga: asl-validator: SCHEMA_VALIDATION_FAILED'))).toBe(true);
    });

    it('reject a transition to a state that does not exist', async () => {
      const errors = await errorsOf({ ...sound, Saga: stateMachineWith({ Step: { Type: 'Task', Resource: 'STEP_ARN', Next: 'Settle' } }) });
      expect(errors).toContain('shop-test-dev Saga: amazon-states-language-service: The value of "Next" property must be the name of an existing state. (at "Next": "Settle")');
      expect(errors.some((e) => e.startsWith('shop-test-dev Saga: asl-validator: MISSING_TRANSITION_TARGET'))).toBe(true);
    });

    it('reject a definition that is not JSON once resolved', async () => {
      const saga = { Type: 'AWS::StepFunctions::StateMachine', Properties: { RoleArn: { 'Fn::GetAtt': ['StepRole', 'Arn'] }, DefinitionString: { 'Fn::Join': ['', ['{"StartAt": ', '}']] } } };
      expect((await errorsOf({ ...sound, Saga: saga }))[0]).toMatch(/^shop-test-dev Saga: the definition cannot be read: /);
    });
  });

  describe('the Service Authorization Reference', () => {
    const withStatement = (statement: Record<string, unknown>) => errorsOf({ ...base, StepRole: roleWith(statement) });
    const where = 'shop-test-dev StepRole.Policies[0] statement 0';

    it('rejects an action that does not exist', async () => {
      expect(await withStatement({ ...readTable, Action: ['dynamodb:GetItems'] })).toEqual([`${where}: action dynamodb:GetItems does not exist in dynamodb`]);
    });

    it('rejects a wildcard that matches no action, and an unknown service', async () => {
      expect(await withStatement({ ...readTable, Action: ['dynamodb:Fetch*', 'dynamodbx:GetItem'] })).toEqual([
        `${where}: action dynamodb:Fetch* matches no action of dynamodb`,
        `${where}: action dynamodbx:GetItem: dynamodbx is not an IAM service prefix`,
      ]);
    });

    it('takes a wildcard that matches actions', async () => {
      expect(await withStatement({ ...readTable, Action: ['dynamodb:Get*'] })).toEqual([]);
    });

    it('rejects a condition key that does not exist, and one of another service than the actions', async () => {
      expect(await withStatement({ ...readTable, Condition: { StringEquals: { 'dynamodb:LeadingKey': 'x', 'events:source': 'shop.test' } } })).toEqual([
        `${where}: condition key dynamodb:LeadingKey (StringEquals) is neither a global condition key nor a key of its service`,
        `${where}: condition key events:source belongs to events, not to the statement's actions (dynamodb)`,
      ]);
    });

    it('takes a global condition key and one of the actions’ service', async () => {
      expect(await withStatement({ ...readTable, Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['x'] }, ArnEquals: { 'aws:SourceArn': 'arn:aws:events:us-east-1:123456789012:rule/x' } } })).toEqual([]);
    });

    it('rejects a resource ARN of the wrong service or type for the action', async () => {
      expect(await withStatement({ ...readTable, Resource: { 'Fn::GetAtt': ['Dlq', 'Arn'] } })).toEqual([
        `${where}: resource arn:aws:sqs:us-east-1:123456789012:shop-test-dev-dlq is of no resource type of dynamodb:GetItem`,
        `${where}: dynamodb:GetItem fits none of the statement's resources (arn:aws:sqs:us-east-1:123456789012:shop-test-dev-dlq): it needs table`,
      ]);
      expect(await withStatement({ ...readTable, Resource: 'arn:aws:dynamodb:us-east-1:123456789012:stream/things' })).toHaveLength(2);
    });

    it('rejects an ARN on an action that takes only "*", and a resource that is not an ARN', async () => {
      expect(await withStatement({ Effect: 'Allow', Action: 'xray:PutTraceSegments', Resource: { 'Fn::GetAtt': ['Things', 'Arn'] } })).toContain(
        `${where}: xray:PutTraceSegments takes only Resource "*", not arn:aws:dynamodb:us-east-1:123456789012:table/shop-test-dev-things`,
      );
      expect(await withStatement({ ...readTable, Resource: { Ref: 'Things' } })).toContain(`${where}: resource "shop-test-dev-things" is not an ARN`);
    });

    it('takes the task-token actions on the state machine whose tasks they answer, as Step Functions evaluates them', async () => {
      const answer = { Effect: 'Allow', Action: ['states:SendTaskSuccess', 'states:SendTaskFailure'] };
      expect(await errorsOf({ ...sound, StepRole: roleWith({ ...answer, Resource: { Ref: 'Saga' } }) })).toEqual([]);
      expect(await withStatement({ ...answer, Resource: { 'Fn::GetAtt': ['Things', 'Arn'] } })).toHaveLength(3);
    });

    it('rejects a policy that refers to a resource the template does not have', async () => {
      expect(await withStatement({ ...readTable, Resource: { 'Fn::GetAtt': ['Thing', 'Arn'] } })).toContain(
        'shop-test-dev StepRole.Policies[0]: the policy cannot be resolved: shop-test-dev: reference to Thing, which is not a resource of the template',
      );
    });

    it('rejects a statement repeated in one policy', async () => {
      const role = roleWith(readTable);
      role.Properties.Policies[0]!.PolicyDocument.Statement.push(readTable);
      expect(await errorsOf({ ...base, StepRole: role })).toEqual(['shop-test-dev StepRole.Policies[0] statement 1: repeats an earlier statement of the policy']);
    });

    it('checks the bus policy, queue policies and Lambda permissions too', async () => {
      const errors = await errorsOf({
        ...base,
        DlqPolicy: { Type: 'AWS::SQS::QueuePolicy', Properties: { Queues: [{ Ref: 'Dlq' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessages', Resource: { 'Fn::GetAtt': ['Dlq', 'Arn'] } }] } } },
        Invoke: { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunctions', FunctionName: { Ref: 'StepLambdaFunction' }, Principal: 'events.amazonaws.com' } },
        BusPolicy: { Type: 'AWS::Events::EventBusPolicy', Properties: { StatementId: 'x', Statement: { Effect: 'Deny', Principal: '*', Action: 'events:PutEvents', Resource: 'arn:aws:events:us-east-1:123456789012:event-bus/shop-dev', Condition: { StringNotEquals: { 'aws:PrincipalAcount': '123456789012' } } } } },
      });
      expect(errors).toEqual([
        'shop-test-dev DlqPolicy.PolicyDocument statement 0: action sqs:SendMessages does not exist in sqs',
        'shop-test-dev Invoke.Action statement 0: action lambda:InvokeFunctions does not exist in lambda',
        'shop-test-dev BusPolicy.Statement statement 0: condition key aws:PrincipalAcount (StringNotEquals) is neither a global condition key nor a key of its service',
      ]);
    });
  });

  it('match a policy ARN pattern with an ARN format when some ARN fits both', () => {
    const logStream = 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}';
    expect(arnMatchesFormat('arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/shop-dev-x:*:*', logStream)).toBe(true);
    expect(arnMatchesFormat('arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/shop-dev-x', logStream)).toBe(false);
    expect(arnMatchesFormat('arn:aws:s3:::shop-bucket/*', 'arn:${Partition}:s3:::${BucketName}/${ObjectName}')).toBe(true);
    expect(arnMatchesFormat('arn:aws:s3:::shop-bucket', 'arn:${Partition}:s3:::${BucketName}/${ObjectName}')).toBe(false);
    expect(arnMatchesFormat('arn:aws:sqs:us-east-1:123456789012:q?', 'arn:${Partition}:sqs:${Region}:${Account}:${QueueName}')).toBe(true);
  });
});
