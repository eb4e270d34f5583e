import { compilePattern, InvalidEventPatternError } from './pattern';

/** An event as EventBridge delivers it, with `detail` and any other top-level field overridden. */
function event(detail: unknown = {}, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail,
    ...overrides,
  };
}

type Case = [name: string, pattern: Record<string, unknown>, event: Record<string, unknown>, matches: boolean];

function check(cases: Case[]) {
  it.each(cases)('%s', (_name, pattern, input, expected) => {
    expect(compilePattern(pattern)(input)).toBe(expected);
    // The string form of the pattern (what PutRule receives) behaves the same.
    expect(compilePattern(JSON.stringify(pattern))(input)).toBe(expected);
  });
}

describe('exact values and envelope fields', () => {
  check([
    ['source matches', { source: ['aws.ec2'] }, event(), true],
    ['source differs', { source: ['aws.s3'] }, event(), false],
    ['values are case sensitive', { source: ['AWS.EC2'] }, event(), false],
    ['keys are case sensitive', { Source: ['aws.ec2'] }, event(), false],
    ['detail-type', { 'detail-type': ['EC2 Instance State-change Notification'] }, event(), true],
    ['account', { account: ['111122223333'] }, event(), true],
    ['account given as a number does not match the string', { account: [111122223333] }, event(), false],
    ['region', { region: ['us-west-1'] }, event(), true],
    ['time', { time: ['2017-12-22T18:43:48Z'] }, event(), true],
    ['id', { id: ['6a7e8feb-b491-4cf7-a9f1-bf3703467718'] }, event(), true],
    ['version', { version: ['0'] }, event(), true],
    ['version 0 as a number does not match "0"', { version: [0] }, event(), false],
    ['resources (event array)', { resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'] }, event(), true],
    ['all fields must match (AND)', { source: ['aws.ec2'], region: ['eu-west-1'] }, event(), false],
    ['nested detail field', { detail: { state: ['terminated'] } }, event({ state: 'terminated' }), true],
    ['nested detail field differs', { detail: { state: ['terminated'] } }, event({ state: 'running' }), false],
    ['deeply nested', { detail: { a: { b: { c: ['x'] } } } }, event({ a: { b: { c: 'x' } } }), true],
    ['missing field never matches a value', { detail: { state: ['terminated'] } }, event({}), false],
    ['missing detail', { detail: { state: ['terminated'] } }, event(undefined), false],
    ['pattern object vs event string', { detail: { state: { name: ['x'] } } }, event({ state: 'x' }), false],
    ['number', { detail: { count: [5] } }, event({ count: 5 }), true],
    ['numbers compare numerically (3.0e2 = 300)', { detail: { limit: [3.0e2] } }, event({ limit: 300.0 }), true],
    ['numbers compare to six decimals', { detail: { limit: [0.3] } }, event({ limit: 0.1 + 0.2 }), true],
    ['number does not match a numeric string', { detail: { count: [5] } }, event({ count: '5' }), false],
    ['string does not match a number', { detail: { count: ['5'] } }, event({ count: 5 }), false],
    ['large numbers (beyond 5e9) compare literally', { detail: { big: [123456789012] } }, event({ big: 123456789012 }), true],
    ['large numbers that differ', { detail: { big: [123456789012] } }, event({ big: 123456789013 }), false],
    ['true', { detail: { flag: [true] } }, event({ flag: true }), true],
    ['true vs false', { detail: { flag: [true] } }, event({ flag: false }), false],
    ['true vs "true"', { detail: { flag: [true] } }, event({ flag: 'true' }), false],
    ['false', { detail: { flag: [false] } }, event({ flag: false }), true],
    ['null', { detail: { value: [null] } }, event({ value: null }), true],
    ['null vs missing', { detail: { value: [null] } }, event({}), false],
    ['null vs empty string', { detail: { value: [null] } }, event({ value: '' }), false],
    ['empty string', { detail: { value: [''] } }, event({ value: '' }), true],
    ['empty string vs null', { detail: { value: [''] } }, event({ value: null }), false],
    ['empty string vs missing', { detail: { value: [''] } }, event({}), false],
    ['unrelated event fields are ignored', { source: ['aws.ec2'] }, event({ anything: [1, 2] }, { extra: true }), true],
    ['non-object event never matches', { source: ['aws.ec2'] }, ['aws.ec2'] as unknown as Record<string, unknown>, false],
  ]);
});

describe('multiple values and event arrays', () => {
  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };
  check([
    ['any of the pattern values (OR)', { detail: { state: ['pending', 'running'] } }, event({ state: 'running' }), true],
    ['none of the pattern values', { detail: { state: ['pending', 'stopped'] } }, event({ state: 'running' }), false],
    ['mixed types in one list', { detail: { v: ['5', 5, null] } }, event({ v: null }), true],
    // eb-event-patterns-arrays.html: the intersection of the pattern array and the event array is non-empty.
    [
      'docs: resources intersection',
      {
        resources: [
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
        ],
      },
      event({}, {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      }),
      true,
    ],
    ['empty intersection', { resources: ['arn:a'] }, event({}, { resources: ['arn:b', 'arn:c'] }), false],
    ['empty event array matches no value', { resources: [null] }, event({}, { resources: [] }), false],
    ['array of objects: a field of one element', { detail: { employees: { firstName: ['Anna'] } } }, event(employees), true],
    ['array of objects: no element has it', { detail: { employees: { firstName: ['Zoe'] } } }, event(employees), false],
    ['array of objects: two fields of one element', { detail: { employees: { firstName: ['Anna'], lastName: ['Smith'] } } }, event(employees), true],
    // event-ruler README "JSON Array Matching": fields from different elements of one array do not combine.
    ['array consistency: fields from two elements', { detail: { employees: { firstName: ['Anna'], lastName: ['Jones'] } } }, event(employees), false],
    [
      'nested arrays are crushed out',
      { detail: { employees: { firstName: ['Peter'] } } },
      event({ employees: [[employees.employees[0], employees.employees[1]], [employees.employees[2]]] }),
      true,
    ],
    [
      'array consistency across nesting levels',
      { detail: { orders: { id: ['o1'], lines: { sku: ['B'] } } } },
      event({ orders: [{ id: 'o1', lines: [{ sku: 'A' }] }, { id: 'o2', lines: [{ sku: 'B' }] }] }),
      false,
    ],
    [
      'array consistency across nesting levels (same element)',
      { detail: { orders: { id: ['o2'], lines: { sku: ['B'] } } } },
      event({ orders: [{ id: 'o1', lines: [{ sku: 'A' }] }, { id: 'o2', lines: [{ sku: 'C' }, { sku: 'B' }] }] }),
      true,
    ],
    ['array of numbers', { detail: { codes: [{ numeric: ['>', 400] }] } }, event({ codes: [200, 404] }), true],
    ['objects inside an array are not leaf values', { detail: { items: ['x'] } }, event({ items: [{ name: 'x' }] }), false],
  ]);
});

describe('prefix', () => {
  check([
    ['docs: time prefix', { time: [{ prefix: '2017-10-02' }] }, event({}, { time: '2017-10-02T18:43:48Z' }), true],
    ['prefix differs', { time: [{ prefix: '2017-10-02' }] }, event({}, { time: '2017-10-03T18:43:48Z' }), false],
    ['prefix is case sensitive', { region: [{ prefix: 'US-' }] }, event({}, { region: 'us-east-1' }), false],
    ['prefix of a number never matches', { detail: { n: [{ prefix: '12' }] } }, event({ n: 123 }), false],
    ['empty prefix matches any string', { detail: { s: [{ prefix: '' }] } }, event({ s: 'abc' }), true],
    ['empty prefix does not match null', { detail: { s: [{ prefix: '' }] } }, event({ s: null }), false],
    ['docs: autoscaling events from Europe', { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] }, event({}, { source: 'aws.autoscaling', region: 'eu-west-1' }), true],
    ['prefix equals-ignore-case', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, event({ service: 'eventbridge' }), true],
    ['prefix equals-ignore-case (upper event)', { detail: { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] } }, event({ service: 'EVENTBRIDGE' }), true],
    ['prefix equals-ignore-case differs', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, event({ service: 'sqs' }), false],
  ]);
});

describe('suffix', () => {
  check([
    ['docs: .png suffix', { FileName: [{ suffix: '.png' }] }, event({}, { FileName: 'image.png' }), true],
    ['suffix differs', { FileName: [{ suffix: '.png' }] }, event({}, { FileName: 'image.jpg' }), false],
    ['suffix is case sensitive', { FileName: [{ suffix: '.png' }] }, event({}, { FileName: 'image.PNG' }), false],
    ['suffix of a number never matches', { detail: { n: [{ suffix: '3' }] } }, event({ n: 123 }), false],
    ['suffix equals-ignore-case', { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, event({ FileName: 'IMAGE.PNG' }), true],
    ['suffix equals-ignore-case differs', { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, event({ FileName: 'image.gif' }), false],
    ['suffix on envelope source', { source: [{ suffix: 'ec2' }] }, event(), true],
  ]);
});

describe('equals-ignore-case', () => {
  check([
    ['matches other casing', { detail: { name: [{ 'equals-ignore-case': 'alice' }] } }, event({ name: 'ALICE' }), true],
    ['must be the whole value', { detail: { name: [{ 'equals-ignore-case': 'alice' }] } }, event({ name: 'alice2' }), false],
    ['empty matches only empty', { detail: { name: [{ 'equals-ignore-case': '' }] } }, event({ name: 'test-value' }), false],
    ['empty vs empty', { detail: { name: [{ 'equals-ignore-case': '' }] } }, event({ name: '' }), true],
    ['not numbers', { detail: { name: [{ 'equals-ignore-case': '5' }] } }, event({ name: 5 }), false],
    ['detail-type any casing', { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] }, event(), true],
  ]);
});

describe('anything-but', () => {
  check([
    ['string excluded', { detail: { state: [{ 'anything-but': 'initializing' }] } }, event({ state: 'initializing' }), false],
    ['other string', { detail: { state: [{ 'anything-but': 'initializing' }] } }, event({ state: 'running' }), true],
    ['needs the field', { detail: { state: [{ 'anything-but': 'initializing' }] } }, event({}), false],
    ['null is anything but a string', { detail: { state: [{ 'anything-but': 'initializing' }] } }, event({ state: null }), true],
    ['a number is anything but a string', { detail: { state: [{ 'anything-but': '5' }] } }, event({ state: 5 }), true],
    ['string list excluded', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, event({ state: 'overloaded' }), false],
    ['string list other', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, event({ state: 'running' }), true],
    ['docs: events not from EC2 or S3', { source: [{ 'anything-but': ['aws.ec2', 'aws.s3'] }] }, event(), false],
    ['number excluded', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, event({ 'x-limit': 123 }), false],
    ['number excluded numerically', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, event({ 'x-limit': 1.23e2 }), false],
    ['other number', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, event({ 'x-limit': 124 }), true],
    ['number list excluded', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, event({ 'x-limit': 200 }), false],
    ['number list other', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, event({ 'x-limit': 301.8 }), true],
    ['a string is anything but a number', { detail: { 'x-limit': [{ 'anything-but': [100] }] } }, event({ 'x-limit': '100' }), true],
    ['zero excluded', { detail: { n: [{ 'anything-but': 0 }] } }, event({ n: 0 }), false],
    ['event array: one element outside the set is enough', { detail: { tags: [{ 'anything-but': 'a' }] } }, event({ tags: ['a', 'b'] }), true],
    ['event array: all elements excluded', { detail: { tags: [{ 'anything-but': ['a', 'b'] }] } }, event({ tags: ['a', 'b'] }), false],
    ['prefix excluded', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, event({ state: 'initializing' }), false],
    ['prefix other', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, event({ state: 'running' }), true],
    ['prefix: a number is not excluded', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, event({ state: 12 }), true],
    ['docs: not AWS sources', { source: [{ 'anything-but': { prefix: 'aws.' } }] }, event({}, { source: 'com.shop.orders' }), true],
    ['prefix list excluded', { detail: { state: [{ 'anything-but': { prefix: ['init', 'stop'] } }] } }, event({ state: 'stopping' }), false],
    ['prefix list other', { detail: { state: [{ 'anything-but': { prefix: ['init', 'stop'] } }] } }, event({ state: 'running' }), true],
    ['suffix excluded', { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } }, event({ FileName: 'a.png' }), false],
    ['suffix other', { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } }, event({ FileName: 'a.txt' }), true],
    ['suffix list excluded', { detail: { FileName: [{ 'anything-but': { suffix: ['.png', '.txt'] } }] } }, event({ FileName: 'a.txt' }), false],
    ['ignore case excluded', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } }, event({ state: 'INITIALIZING' }), false],
    ['ignore case other', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } }, event({ state: 'running' }), true],
    ['ignore case list excluded', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'Overloaded'] } }] } }, event({ state: 'OVERLOADED' }), false],
    ['ignore case list: null is not excluded', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['x'] } }] } }, event({ state: null }), true],
    ['wildcard excluded', { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, event({ FilePath: 'src/lib/a.ts' }), false],
    ['wildcard other', { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, event({ FilePath: 'src/app/a.ts' }), true],
    ['wildcard list excluded', { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/dir/*'] } }] } }, event({ FilePath: 'a/dir/b' }), false],
    ['empty wildcard excludes only ""', { detail: { FilePath: [{ 'anything-but': { wildcard: '' } }] } }, event({ FilePath: 'dir/init/file' }), true],
    ['wildcard: a number is not excluded', { detail: { FilePath: [{ 'anything-but': { wildcard: '*' } }] } }, event({ FilePath: 7 }), true],
  ]);
});

describe('numeric', () => {
  const range = { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } };
  check([
    ['inside range', range, event({ 'c-count': 5 }), true],
    ['lower bound is open', range, event({ 'c-count': 0 }), false],
    ['above range', range, event({ 'c-count': 5.000001 }), false],
    ['closed lower, open upper', { detail: { n: [{ numeric: ['>=', 10, '<', 20] }] } }, event({ n: 10 }), true],
    ['open upper bound', { detail: { n: [{ numeric: ['>=', 10, '<', 20] }] } }, event({ n: 20 }), false],
    ['less than', { detail: { n: [{ numeric: ['<', 10] }] } }, event({ n: 9.99 }), true],
    ['not less than', { detail: { n: [{ numeric: ['<', 10] }] } }, event({ n: 10 }), false],
    ['less or equal', { detail: { n: [{ numeric: ['<=', 10] }] } }, event({ n: 10 }), true],
    ['greater than', { detail: { n: [{ numeric: ['>', -1] }] } }, event({ n: 0 }), true],
    ['greater or equal', { detail: { n: [{ numeric: ['>=', 1.5] }] } }, event({ n: 1.5 }), true],
    ['equals', { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, event({ 'x-limit': 301.8 }), true],
    ['not equal', { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, event({ 'x-limit': 301.9 }), false],
    ['int vs float', { detail: { n: [{ numeric: ['=', 5] }] } }, event({ n: 5.0 }), true],
    ['numeric string is not a number', { detail: { n: [{ numeric: ['>', 0] }] } }, event({ n: '5' }), false],
    ['null is not a number', { detail: { n: [{ numeric: ['>', 0] }] } }, event({ n: null }), false],
    ['missing field', { detail: { n: [{ numeric: ['>', 0] }] } }, event({}), false],
    ['event number beyond 5e9 is not comparable', { detail: { n: [{ numeric: ['>', 0] }] } }, event({ n: 6e9 }), false],
    ['negative range', { detail: { n: [{ numeric: ['>=', -5e9, '<', -1] }] } }, event({ n: -5e9 }), true],
    ['several ranges are OR', { detail: { n: [{ numeric: ['<', 0] }, { numeric: ['>', 100] }] } }, event({ n: 150 }), true],
    [
      'docs: all fields must hold',
      { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } },
      event({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 }),
      true,
    ],
    [
      'docs: one field fails',
      { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }] } },
      event({ 'c-count': 5, 'd-count': 10 }),
      false,
    ],
  ]);
});

describe('exists', () => {
  check([
    ['exists true', { detail: { 'c-count': [{ exists: true }] } }, event({ 'c-count': 5 }), true],
    ['exists true, missing', { detail: { 'c-count': [{ exists: true }] } }, event({}), false],
    ['exists true on a null value', { detail: { 'c-count': [{ exists: true }] } }, event({ 'c-count': null }), true],
    ['exists true on an empty string', { detail: { 'c-count': [{ exists: true }] } }, event({ 'c-count': '' }), true],
    ['exists true on an empty array', { resources: [{ exists: true }] }, event({}, { resources: [] }), false],
    ['exists true on an object (not a leaf)', { detail: { 'c-count': [{ exists: true }] } }, event({ 'c-count': { c1: 100 } }), false],
    ['exists false, missing', { detail: { 'c-count': [{ exists: false }] } }, event({ state: 'running' }), true],
    ['exists false, present', { detail: { 'c-count': [{ exists: false }] } }, event({ 'c-count': 5 }), false],
    ['exists false, null is present', { detail: { 'c-count': [{ exists: false }] } }, event({ 'c-count': null }), false],
    // eb-event-patterns-content-based-filtering.html: "also matches ... because c-count isn't a leaf node".
    ['docs: exists false on an intermediate node', { detail: { 'c-count': [{ exists: false }] } }, event({ 'c-count': { c1: 100 } }), true],
    ['exists false, detail missing entirely', { detail: { 'c-count': [{ exists: false }] } }, event(undefined), true],
    ['exists false on an empty array', { resources: [{ exists: false }] }, event({}, { resources: [] }), true],
    ['exists true in an array of objects', { detail: { automations: { id: [{ exists: true }] } } }, event({ automations: [{ k: 1 }, { id: 'x' }] }), true],
    ['exists false: no element may have it', { detail: { items: { discount: [{ exists: false }] } } }, event({ items: [{ sku: 'a', discount: 5 }, { sku: 'b' }] }), false],
    ['exists false: none has it', { detail: { items: { discount: [{ exists: false }] } } }, event({ items: [{ sku: 'a' }, { sku: 'b' }] }), true],
    // event-ruler walks paths in sorted order and judges absence within the array elements chosen so far.
    [
      'exists false within the element chosen by an earlier path',
      { detail: { items: { id: ['b'], tag: [{ exists: false }] } } },
      event({ items: [{ id: 'a', tag: 5 }, { id: 'b' }] }),
      true,
    ],
    [
      'exists false on a path sorted before the choosing one looks at every element',
      { detail: { items: { sku: ['b'], discount: [{ exists: false }] } } },
      event({ items: [{ sku: 'a', discount: 5 }, { sku: 'b' }] }),
      false,
    ],
    [
      'exists false or a value (docs DynamoDB example)',
      { dynamodb: { NewImage: { homemade: { S: [{ 'anything-but': ['roses'] }, { exists: false }] } } } },
      event({}, { dynamodb: { NewImage: { purchased: { N: '789' } } } }),
      true,
    ],
    ['exists combined with a value field', { source: ['aws.ec2'], detail: { 'instance-id': [{ exists: true }] } }, event({ 'instance-id': 'i-1' }), true],
  ]);
});

describe('cidr and IP addresses', () => {
  check([
    ['docs: IPv4 in range', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, event({ sourceIPAddress: '10.0.0.24' }), true],
    ['IPv4 last address', { detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, event({ ip: '10.0.0.255' }), true],
    ['IPv4 out of range', { detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, event({ ip: '10.0.1.0' }), false],
    ['IPv4 /8', { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }, event({ ip: '10.102.1.100' }), true],
    ['IPv4 /0', { detail: { ip: [{ cidr: '0.0.0.0/0' }] } }, event({ ip: '203.0.113.9' }), true],
    ['not an IP', { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }, event({ ip: 'ten' }), false],
    ['a number is not an IP', { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }, event({ ip: 10 }), false],
    ['IPv6 in range', { detail: { ip: [{ cidr: '2001:db8:1234:1a00::/64' }] } }, event({ ip: '2001:db8:1234:1a00::1' }), true],
    ['IPv6 out of range', { detail: { ip: [{ cidr: '2001:db8:1234:1a00::/64' }] } }, event({ ip: '2001:db8:1234:1a01::1' }), false],
    ['IPv6 vs IPv4 range', { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }, event({ ip: '::1' }), false],
    ['IPv4-mapped IPv6 counts as IPv4', { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }, event({ ip: '::ffff:a00:1' }), true],
    ['range starts at the written address', { detail: { ip: [{ cidr: '10.0.0.128/24' }] } }, event({ ip: '10.0.0.5' }), false],
    ['exact IP value', { detail: { ip: ['10.0.0.1'] } }, event({ ip: '10.0.0.1' }), true],
    ['exact IPv6 value in another spelling', { detail: { ip: ['2001:db8::1'] } }, event({ ip: '2001:0db8:0:0:0:0:0:1' }), true],
    ['exact IP value differs', { detail: { ip: ['10.0.0.1'] } }, event({ ip: '10.0.0.2' }), false],
  ]);
});

describe('wildcard', () => {
  check([
    ['docs: *.png', { detail: { FileName: [{ wildcard: '*.png' }] } }, event({ FileName: 'dir/a.png' }), true],
    ['*.png does not match .jpg', { detail: { FileName: [{ wildcard: '*.png' }] } }, event({ FileName: 'a.jpg' }), false],
    ['zero characters', { detail: { FileName: [{ wildcard: '*.png' }] } }, event({ FileName: '.png' }), true],
    ['middle', { detail: { t: [{ wildcard: '*Title*' }] } }, event({ t: 'My Title here' }), true],
    ['whole value must match', { source: [{ wildcard: 'Simple*Service' }] }, event({}, { source: 'Simple Queue Service!' }), false],
    ['docs: file in dir', { detail: { FilePath: [{ wildcard: 'dir/*.png' }] } }, event({ FilePath: 'dir/a.png' }), true],
    ['repeating sequence after a wildcard', { detail: { f: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] } }, event({ f: '/Users/ls_user/dir/dir/dir/dir/dir/doc.txt' }), true],
    ['star matches any string', { detail: { f: [{ wildcard: '*' }] } }, event({ f: '' }), true],
    ['star does not match numbers', { detail: { f: [{ wildcard: '*' }] } }, event({ f: 1 }), false],
    ['escaped star is literal', { detail: { f: [{ wildcard: 'a\\*b' }] } }, event({ f: 'a*b' }), true],
    ['escaped star does not match other text', { detail: { f: [{ wildcard: 'a\\*b' }] } }, event({ f: 'axxb' }), false],
    ['escaped backslash', { detail: { f: [{ wildcard: 'a\\\\*' }] } }, event({ f: 'a\\anything' }), true],
    ['regex characters are literal', { detail: { f: [{ wildcard: 'a.b(c)*' }] } }, event({ f: 'aXb(c)' }), false],
    ['newlines are matched by *', { detail: { f: [{ wildcard: 'a*b' }] } }, event({ f: 'a\nb' }), true],
    ['empty wildcard matches only empty', { detail: { f: [{ wildcard: '' }] } }, event({ f: 'x' }), false],
  ]);
});

describe('$or', () => {
  const cloudwatch = (fields: Record<string, unknown>) => event({}, { source: 'aws.cloudwatch', ...fields });
  check([
    ['docs: Location or Day', { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }, event({}, { Day: 'Monday' }), true],
    ['docs: neither', { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }, event({}, { Day: 'Tuesday' }), false],
    [
      'source AND (metricName OR namespace)',
      { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] },
      cloudwatch({ namespace: 'AWS/EC2' }),
      true,
    ],
    [
      'source fails',
      { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] },
      event({}, { namespace: 'AWS/EC2' }),
      false,
    ],
    [
      'alternative with an AND inside',
      { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPU'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2'] }] },
      cloudwatch({ metricType: 'MetricType', namespace: 'AWS/ES' }),
      false,
    ],
    [
      'nested $or',
      {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPU'] },
          { metricType: ['MetricType'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
        ],
      },
      cloudwatch({ metricType: 'MetricType', spaceId: 1000 }),
      true,
    ],
    [
      'parallel $or at two levels',
      {
        $or: [{ metricName: ['CPU'] }, { namespace: ['AWS/EC2'] }],
        detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['Alarm'] }] },
      },
      event({ 'detail-type': 'Alarm' }, { namespace: 'AWS/EC2' }),
      true,
    ],
    [
      'parallel $or: one level fails',
      {
        $or: [{ metricName: ['CPU'] }, { namespace: ['AWS/EC2'] }],
        detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['Alarm'] }] },
      },
      event({ 'detail-type': 'OK' }, { namespace: 'AWS/EC2' }),
      false,
    ],
    [
      '$or with exists',
      { detail: { $or: [{ a: [{ exists: true }] }, { b: [{ exists: true }] }] } },
      event({ b: 1 }),
      true,
    ],
    [
      '$or with numeric and anything-but',
      { detail: { $or: [{ n: [{ numeric: ['>', 10] }] }, { s: [{ 'anything-but': 'x' }] }] } },
      event({ n: 5, s: 'x' }),
      false,
    ],
    ['"$or" as a field name in the event is just a name', { source: ['aws.ec2'] }, event({}, { $or: 1 }), true],
  ]);
});

describe('dotted paths (eb-event-patterns.html: keys are joined with ".")', () => {
  check([
    ['pattern key with a dot matches nested event', { detail: { 'state.status': ['running'] } }, event({ state: { status: 'running' } }), true],
    ['event key with a dot matches nested pattern', { detail: { state: { status: ['running'] } } }, event({ 'state.status': 'running' }), true],
    ['different joined path', { detail: { 'state.status': { status: ['running'] } } }, event({ state: { status: 'running' } }), false],
  ]);
});

describe('examples from the AWS docs', () => {
  const ec2 = event({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, 'source-ip': '10.0.0.33', 'instance-id': 'i-1', state: 'running' }, { time: '2017-10-02T16:24:49Z' });
  check([
    ['eb-event-patterns: EC2 termination', { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } }, event({ 'instance-id': 'i-1', state: 'terminated' }), true],
    [
      'content filtering: complex example',
      {
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ 'anything-but': [100, 200, 300] }],
          'source-ip': [{ cidr: '10.0.0.0/8' }],
        },
      },
      ec2,
      true,
    ],
    ['null values page: empty string', { detail: { eventVersion: [''] } }, event({ eventVersion: '', responseElements: null }), true],
    ['null values page: null', { detail: { responseElements: [null] } }, event({ eventVersion: '', responseElements: null }), true],
    ['null values page: empty string is not null', { detail: { eventVersion: [null] } }, event({ eventVersion: '', responseElements: null }), false],
    ['operators table: Price is 100', { detail: { Price: [{ numeric: ['=', 100] }] } }, event({ Price: 100 }), true],
    ['operators table: Weather anything but Raining', { detail: { Weather: [{ 'anything-but': ['Raining'] }] } }, event({ Weather: 'Sunny' }), true],
    ['operators table: PaymentType Credit or Debit', { detail: { PaymentType: ['Credit', 'Debit'] } }, event({ PaymentType: 'Cash' }), false],
    ['operators table: ProductName does not exist', { detail: { ProductName: [{ exists: false }] } }, event({}), true],
    ['operators table: UserID is null', { detail: { UserID: [null] } }, event({ UserID: null }), true],
  ]);
});

describe('invalid patterns (InvalidEventPatternException at PutRule)', () => {
  const invalid: Array<[string, string | Record<string, unknown>, string]> = [
    ['not JSON', "{'bad': 'quotation'}", ''],
    ['not an object', '["not", "a", "dict"]', 'Filter is not an object'],
    ['null', 'null', 'Filter is not an object'],
    ['empty pattern', {}, 'Empty objects are not allowed'],
    ['empty nested object', { detail: {} }, 'Empty objects are not allowed'],
    ['leaf is not an array', { int: 42 }, '"int" must be an object or an array'],
    ['leaf is a string', { string: 'my-value' }, '"string" must be an object or an array'],
    ['empty array', { resources: [] }, 'Empty arrays are not allowed'],
    ['nested array value', { a: [['x']] }, 'Match value must be String, number, true, false, or null'],
    ['empty match expression', { a: [{}] }, 'Match expression name not found'],
    ['unknown operator', { a: [{ contains: 'x' }] }, 'Unrecognized match type contains'],
    ['operators are case sensitive', { a: [{ EXISTS: true }] }, 'Unrecognized match type EXISTS'],
    ['two operators in one expression', { a: [{ prefix: 'a', suffix: 'b' }] }, 'Only one key allowed in match expression'],
    ['prefix with a number', { time: [{ prefix: 123 }] }, 'prefix match pattern must be a string'],
    ['prefix with a list', { time: [{ prefix: ['2022'] }] }, 'prefix match pattern must be a string'],
    ['prefix with an unknown option', { time: [{ prefix: { 'ignore-case': 'x' } }] }, 'Unsupported prefix pattern: ignore-case'],
    ['prefix ignore case with a number', { time: [{ prefix: { 'equals-ignore-case': 1 } }] }, 'equals-ignore-case match pattern must be a string'],
    ['suffix with a number', { f: [{ suffix: 123 }] }, 'suffix match pattern must be a string'],
    ['suffix with a list', { f: [{ suffix: ['.png'] }] }, 'suffix match pattern must be a string'],
    ['equals-ignore-case with a list', { f: [{ 'equals-ignore-case': ['x'] }] }, 'equals-ignore-case match pattern must be a string'],
    ['equals-ignore-case with an object', { f: [{ 'equals-ignore-case': { prefix: 'ec2' } }] }, 'equals-ignore-case match pattern must be a string'],
    ['anything-but with a boolean', { f: [{ 'anything-but': true }] }, 'Value of anything-but must be an array or single string/number value.'],
    ['anything-but mixed list', { f: [{ 'anything-but': ['a', 1] }] }, 'either all values are number or string'],
    ['anything-but empty list', { f: [{ 'anything-but': [] }] }, 'either all values are number or string'],
    ['anything-but list with null', { f: [{ 'anything-but': ['a', null] }] }, 'Inside anything but list, start|null|boolean is not supported.'],
    ['anything-but unknown option', { f: [{ 'anything-but': { exists: true } }] }, 'Unsupported anything-but pattern: exists'],
    ['anything-but empty object', { f: [{ 'anything-but': {} }] }, 'Anything-But expression name not found'],
    ['anything-but prefix with a number', { f: [{ 'anything-but': { prefix: 123 } }] }, 'prefix/suffix match pattern must be a string'],
    ['anything-but suffix list with a number', { f: [{ 'anything-but': { suffix: [123, '.txt'] } }] }, 'prefix/suffix match pattern must be a string'],
    ['anything-but empty prefix', { f: [{ 'anything-but': { prefix: '' } }] }, 'Null prefix/suffix not allowed'],
    ['anything-but empty suffix', { f: [{ 'anything-but': { suffix: '' } }] }, 'Null prefix/suffix not allowed'],
    ['anything-but prefix ignore case', { f: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'x' } } }] }, 'Value of anything-but must be an array or single string/number value.'],
    ['anything-but ignore case with a number', { f: [{ 'anything-but': { 'equals-ignore-case': 123 } }] }, 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.'],
    ['anything-but wildcard with a number', { f: [{ 'anything-but': { wildcard: [123, '*/dir/*'] } }] }, 'wildcard match pattern must be a string'],
    ['anything-but wildcard with consecutive stars', { f: [{ 'anything-but': { wildcard: 'a**' } }] }, 'Consecutive wildcard characters'],
    ['anything-but number out of range', { f: [{ 'anything-but': 6e9 }] }, 'Value must be between -5.0E9 and 5.0E9, inclusive'],
    ['numeric not an array', { n: [{ numeric: '>' }] }, 'Value of numeric must be an array.'],
    ['numeric empty', { n: [{ numeric: [] }] }, 'Invalid member in numeric match: ]'],
    ['numeric with a string operand', { n: [{ numeric: ['>', '5'] }] }, 'Value of > must be numeric'],
    ['numeric equals with a string', { n: [{ numeric: ['=', 'x'] }] }, 'Value of equals must be numeric'],
    ['numeric unknown operator', { n: [{ numeric: ['!=', 5] }] }, 'Unrecognized numeric range operator: !='],
    ['numeric bad range operator', { n: [{ numeric: ['>', 0, '>', 0] }] }, 'Bad numeric range operator: >'],
    ['numeric missing upper value', { n: [{ numeric: ['>', 0, '<'] }] }, 'Value of < must be numeric'],
    ['numeric bottom above top', { n: [{ numeric: ['>', 10, '<', 5] }] }, 'Bottom must be less than top'],
    ['numeric bottom equals top', { n: [{ numeric: ['>=', 5, '<=', 5] }] }, 'Bottom must be less than top'],
    ['numeric upper bound first', { n: [{ numeric: ['<', 5, '>', 0] }] }, 'Too many elements in numeric expression'],
    ['numeric too many terms', { n: [{ numeric: ['>', 0, '<', 5, 6] }] }, 'Too many terms in numeric range expression'],
    ['numeric equals with extra terms', { n: [{ numeric: ['=', 5, 6] }] }, 'Too many elements in numeric expression'],
    ['numeric value out of range', { n: [{ numeric: ['>', 6e9] }] }, 'Value must be between -5.0E9 and 5.0E9, inclusive'],
    ['exists with a string', { n: [{ exists: 'true' }] }, 'exists match pattern must be either true or false.'],
    ['cidr not a string', { ip: [{ cidr: ['bad-type'] }] }, 'prefix match pattern must be a string'],
    ['cidr without mask', { ip: [{ cidr: '10.0.0.0' }] }, "Malformed CIDR, one '/' required"],
    ['cidr bad mask', { ip: [{ cidr: '10.0.0.0/abc' }] }, 'Malformed CIDR, mask bits must be an integer'],
    ['cidr negative mask', { ip: [{ cidr: '10.0.0.0/-1' }] }, 'Malformed CIDR, mask bits must not be negative'],
    ['cidr bad IPv4', { ip: [{ cidr: 'xx.11.xx/24' }] }, 'Nonstandard IP address: xx.11.xx'],
    ['cidr bad IPv6', { ip: [{ cidr: 'xxxx:db8:1234:1a00::/64' }] }, 'Nonstandard IP address: xxxx:db8:1234:1a00::'],
    ['cidr invalid IPv4 numbers', { ip: [{ cidr: '300.0.0.0/8' }] }, 'Invalid IP address: 300.0.0.0'],
    ['cidr IPv4 /32', { ip: [{ cidr: '10.0.0.1/32' }] }, 'IPv4 mask bits must be < 32'],
    ['cidr IPv6 /128', { ip: [{ cidr: '::1/128' }] }, 'IPv6 mask bits must be < 128'],
    ['wildcard with a number', { f: [{ wildcard: 123 }] }, 'wildcard match pattern must be a string'],
    ['wildcard with a list', { f: [{ wildcard: ['*'] }] }, 'wildcard match pattern must be a string'],
    ['wildcard consecutive stars', { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:**:event-bus/*' }] }, 'Consecutive wildcard characters at pos 26'],
    ['wildcard bad escape', { f: [{ wildcard: 'a\\b' }] }, 'Invalid escape character at pos 2'],
    ['wildcard trailing backslash', { f: [{ wildcard: 'a\\' }] }, 'Invalid escape character at pos 2'],
    ['wildcard too complex', { EventBusArn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] }, 'Rule is too complex'],
    ['wildcards too complex together', { f: [{ wildcard: '*.bif' }, { wildcard: '*.tiff' }, { wildcard: '*.tif' }, { wildcard: '*.svs' }] }, 'Rule is too complex'],
    ['$or not an array', { $or: { a: ['x'] } }, 'It must be an Array followed with $or.'],
    ['$or with one alternative', { $or: [{ a: ['x'] }] }, 'There must have at least 2 Objects in $or relationship.'],
    ['$or with a non-object', { $or: [{ a: ['x'] }, 'b'] }, 'Only JSON object is allowed in array of $or relationship.'],
    ['$or with an empty object', { $or: [{ a: ['x'] }, {}] }, 'Empty objects are not allowed'],
    ['$or with a reserved field name', { $or: [{ numeric: [123] }, { prefix: ['abc'] }] }, 'numeric is Ruler reserved fieldName which cannot be used inside $or.'],
    ['nested reserved field name in $or', { $or: [{ a: { exists: ['x'] } }, { b: ['y'] }] }, 'exists is Ruler reserved fieldName'],
  ];
  it.each(invalid)('%s', (_name, pattern, reason) => {
    let error: unknown;
    try {
      compilePattern(pattern);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidEventPatternError);
    const { code, statusCode, message } = error as InvalidEventPatternError;
    expect({ code, statusCode }).toEqual({ code: 'InvalidEventPatternException', statusCode: 400 });
    expect(message).toMatch(/^Event pattern is not valid\. Reason: /);
    expect(message).toContain(reason);
  });

  it.each([
    ['fields named like operators outside $or', { prefix: ['abc'], numeric: [1] }],
    ['repeating character sequences after one wildcard', { f: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] }],
    ['two wildcards sharing a folder', { f: [{ wildcard: '*/datasync/*.bif' }, { wildcard: '*/datasync/*.tif' }] }],
    ['an escaped star next to a wildcard', { f: [{ wildcard: '\\**' }] }],
    ['"exactly" (event-ruler)', { f: [{ exactly: 'x' }] }],
  ])('accepts %s', (_name, pattern) => {
    expect(() => compilePattern(pattern)).not.toThrow();
  });
});

describe('compiled once', () => {
  it('does not read the pattern object again after compiling', () => {
    const pattern = { detail: { state: ['running'] } };
    const matches = compilePattern(pattern);
    pattern.detail.state[0] = 'stopped';
    expect(matches(event({ state: 'running' }))).toBe(true);
    expect(matches(event({ state: 'stopped' }))).toBe(false);
  });

  it('a pattern compiled after an event was matched still sees all of its fields', () => {
    const input = event({ first: 1, second: { third: 3 } });
    expect(compilePattern({ detail: { first: [1] } })(input)).toBe(true);
    expect(compilePattern({ detail: { second: { third: [3] } } })(input)).toBe(true);
  });

  it('one event can be matched by many patterns', () => {
    const input = event({ state: 'running', items: [{ id: 1 }, { id: 2 }] });
    const results = [
      compilePattern({ detail: { state: ['running'] } }),
      compilePattern({ detail: { items: { id: [2] } } }),
      compilePattern({ detail: { items: { id: [3] } } }),
    ].map((matches) => matches(input));
    expect(results).toEqual([true, true, false]);
  });
});
