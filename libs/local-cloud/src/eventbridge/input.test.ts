import { AwsError } from '../errors';
import { renderTargetInput, validateTargetInput, type TargetInputConfig } from './input';

/** The sample event of eb-transform-target-input.html. */
const ec2Event = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING' },
};

const context = {
  ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example',
  ruleName: 'example',
  ingestionTime: '2015-11-11T21:29:55.123Z',
};

/** The docs' InputPathsMap. */
const docsPaths = { timestamp: '$.time', instance: '$.detail.instance-id', state: '$.detail.state' };

const render = (config: TargetInputConfig, event: Record<string, unknown> = ec2Event) => renderTargetInput(event, config, context);
const transformer = (InputTemplate: string, InputPathsMap: Record<string, string> = docsPaths): TargetInputConfig => ({
  InputTransformer: { InputPathsMap, InputTemplate },
});

describe('renderTargetInput without a transformer', () => {
  it('sends the whole event as JSON by default', () => {
    expect(render({})).toBe(JSON.stringify(ec2Event));
  });

  it('sends Input as given, ignoring the event', () => {
    expect(render({ Input: '{"fixed": [1, 2]}' })).toBe('{"fixed": [1, 2]}');
  });

  it.each([
    ['$.detail', JSON.stringify(ec2Event.detail)],
    // AWS-observed: a string selected by InputPath reaches the target as a JSON string.
    ['$.detail.state', '"RUNNING"'],
    ['$.detail.instance-id', '"i-0123456789"'],
    ['$.resources[0]', '"arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"'],
    ['$.resources[*]', JSON.stringify(ec2Event.resources)],
    ['$', JSON.stringify(ec2Event)],
    ['$.detail.missing', 'null'],
  ])('InputPath %s', (InputPath, expected) => {
    expect(render({ InputPath })).toBe(expected);
  });
});

describe('renderTargetInput with an InputTransformer (docs examples)', () => {
  it.each([
    ['simple string', '"instance <instance> is in <state>"', '"instance i-0123456789 is in RUNNING"'],
    ['string with escaped quotes', '"instance \\"<instance>\\" is in <state>"', '"instance \\"i-0123456789\\" is in RUNNING"'],
    ['simple JSON', '{\n  "instance" : <instance>,\n  "state": <state>\n}', '{\n  "instance" : "i-0123456789",\n  "state": "RUNNING"\n}'],
    [
      'JSON with strings and variables',
      '{"instance" : <instance>, "state": "<state>", "instanceStatus": "instance \\"<instance>\\" is in <state>"}',
      '{"instance" : "i-0123456789", "state": "RUNNING", "instanceStatus": "instance \\"i-0123456789\\" is in RUNNING"}',
    ],
    [
      'JSON with a mix of variables and static information',
      '{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}',
      '{"instance" : "i-0123456789", "state": [ 9, "RUNNING", true ], "Transformed" : "Yes"}',
    ],
    ['reserved variables in a string', '"<aws.events.rule-name> triggered"', '"example triggered"'],
    ['reserved rule ARN in JSON', '{"ruleArn" : <aws.events.rule-arn>}', '{"ruleArn" : "arn:aws:events:us-east-2:123456789012:rule/example"}'],
    ['ingestion time', '{"at": <aws.events.event.ingestion-time>}', '{"at": "2015-11-11T21:29:55.123Z"}'],
    // API_InputTransformer examples.
    ['plain text template', '<instance> is in state <state>', 'i-0123456789 is in state RUNNING'],
    ['plain text with escaped quotes', '<instance> is in state \\"<state>\\"', 'i-0123456789 is in state \\"RUNNING\\"'],
    [
      'variables in quotes or out',
      '{"myInstance": <instance>,"myStatus": "<instance> is in state \\"<state>\\""}',
      '{"myInstance": "i-0123456789","myStatus": "i-0123456789 is in state \\"RUNNING\\""}',
    ],
  ])('%s', (_name, template, expected) => {
    expect(render(transformer(template))).toBe(expected);
  });

  it('<aws.events.event> is the envelope without detail, with detailType and the ingestion time', () => {
    const output = JSON.parse(render(transformer('{"originalEvent": <aws.events.event>}', {})));
    expect(output.originalEvent).toEqual({
      id: ec2Event.id,
      account: ec2Event.account,
      detailType: ec2Event['detail-type'],
      time: context.ingestionTime,
      source: ec2Event.source,
      region: ec2Event.region,
      resources: ec2Event.resources,
      version: ec2Event.version,
    });
  });

  it('<aws.events.event.json> is the whole event', () => {
    const output = JSON.parse(render(transformer('{"originalEventJson": <aws.events.event.json>}', {})));
    expect(output.originalEventJson).toEqual(ec2Event);
  });
});

describe('renderTargetInput quoting rules', () => {
  const event = { ...ec2Event, detail: { count: 5, flag: true, none: null, tags: ['a', 'b'], info: { key1: 'value1' }, quote: 'say "hi"' } };
  const paths = {
    count: '$.detail.count',
    flag: '$.detail.flag',
    none: '$.detail.none',
    tags: '$.detail.tags',
    info: '$.detail.info',
    quote: '$.detail.quote',
    missing: '$.detail.notinmessage',
    ids: '$.detail.tags[*]',
  };
  it.each([
    ['number outside quotes', '{"n": <count>}', '{"n": 5}'],
    ['number inside quotes', '{"n": "<count> items"}', '{"n": "5 items"}'],
    ['boolean outside quotes', '{"b": <flag>}', '{"b": true}'],
    ['null outside quotes', '{"v": <none>}', '{"v": null}'],
    ['array outside quotes', '{"tags": <tags>}', '{"tags": ["a","b"]}'],
    ['object outside quotes', '{"detail": <info>}', '{"detail": {"key1":"value1"}}'],
    ['object inside quotes loses its quotes', '{"text": "Detail is <info>"}', '{"text": "Detail is {key1:value1}"}'],
    ['strings inside quotes are not escaped', '{"text": "<quote>"}', '{"text": "say "hi""}'],
    ['strings outside quotes are JSON strings', '{"text": <quote>}', '{"text": "say \\"hi\\""}'],
    // AWS-observed: a path that matches nothing gives an empty string.
    ['missing value outside quotes', '{"command": <missing>}', '{"command": ""}'],
    ['missing value inside quotes', '"info extracted from detail <missing>"', '"info extracted from detail "'],
    ['missing value in plain text', 'detail: <missing>.', 'detail: .'],
    ['a wildcard path gives an array', '{"ids": <ids>}', '{"ids": ["a","b"]}'],
    ['a bare placeholder is JSON', '<count>', '5'],
    ['special characters at the start of a string', '"{[/Check <flag>"', '"{[/Check true"'],
  ])('%s', (_name, template, expected) => {
    expect(render(transformer(template, paths), event)).toBe(expected);
  });

  it('renders the same template for many events', () => {
    const config = transformer('{"state": <state>}');
    expect(render(config, { ...ec2Event, detail: { state: 'A' } })).toBe('{"state": "A"}');
    expect(render(config, { ...ec2Event, detail: { state: 'B' } })).toBe('{"state": "B"}');
  });
});

describe('validateTargetInput', () => {
  const longText = (length: number) => `"${'x'.repeat(length - 2)}"`;
  const manyPaths = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, '$.detail']));

  it.each<[string, TargetInputConfig]>([
    ['no input config', {}],
    ['Input', { Input: '{"a": 1}' }],
    ['Input of 8192 characters', { Input: longText(8192) }],
    ['InputPath', { InputPath: '$.detail.state' }],
    ['bracket notation InputPath', { InputPath: "$['detail']['state']" }],
    ['InputTransformer', transformer('{"instance": <instance>}')],
    ['reserved variables without InputPathsMap', { InputTransformer: { InputTemplate: '"<aws.events.rule-name> at <aws.events.event.ingestion-time>"' } }],
    ['keys with dashes and underscores', transformer('"<detail-type> <a_b>"', { 'detail-type': '$.detail-type', a_b: '$.id' })],
    ['100 variables', transformer('"x"', Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`v${i}`, '$.detail'])))],
    ['a colon after a placeholder in plain text', transformer('<instance>: running')],
  ])('accepts %s', (_name, config) => {
    expect(() => validateTargetInput(config)).not.toThrow();
  });

  it.each<[string, TargetInputConfig, string]>([
    ['Input and InputPath', { Input: '{}', InputPath: '$.detail' }, 'Only one of Input, InputPath, or InputTransformer must be provided.'],
    ['InputPath and InputTransformer', { InputPath: '$.detail', ...transformer('"x"') }, 'Only one of Input, InputPath, or InputTransformer must be provided.'],
    ['Input that is not JSON', { Input: 'not json' }, 'Input must be valid JSON text.'],
    ['Input over 8192 characters', { Input: longText(8193) }, 'Member must have length less than or equal to 8192'],
    ['InputPath that is not a JSON path', { InputPath: 'detail.state' }, 'InputPath is not a valid JSON path: detail.state'],
    ['InputPath over 256 characters', { InputPath: `$.${'a'.repeat(255)}` }, "at 'inputPath' failed to satisfy constraint: Member must have length less than or equal to 256"],
    ['empty InputTemplate', { InputTransformer: { InputTemplate: '' } }, 'Member must not be null'],
    ['InputTemplate over 8192 characters', transformer(longText(8193)), "at 'inputTransformer.inputTemplate' failed to satisfy constraint: Member must have length less than or equal to 8192"],
    ['more than 100 variables', transformer('"x"', manyPaths), 'Member must have length less than or equal to 100'],
    ['a key with a dot', transformer('"x"', { 'aws.events.rule-name': '$.id' }), 'Member must satisfy regular expression pattern'],
    ['an empty key', transformer('"x"', { '': '$.id' }), 'Member must satisfy regular expression pattern'],
    ['a path that is not a JSON path', transformer('"<a>"', { a: 'detail' }), 'InputPathsMap value for a is not a valid JSON path: detail'],
    ['an undefined placeholder', transformer('"Event of <state> type, with not defined key <notdefinedkey>"'), 'InputTemplate contains invalid placeholder notdefinedkey.'],
    ['a placeholder as an object key', transformer('{<state>: "x"}'), 'InputTemplate uses placeholder state as an object key, which is not allowed.'],
  ])('rejects %s', (_name, config, message) => {
    let error: unknown;
    try {
      validateTargetInput(config);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AwsError);
    expect((error as AwsError).code).toBe('ValidationException');
    expect((error as AwsError).message).toContain(message);
  });
});
