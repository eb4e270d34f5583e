import { referencedIds, resolve, TemplateError, type IntrinsicContext } from './intrinsics';

const ctx: IntrinsicContext = {
  stackName: 'shop-orders-dev',
  region: 'eu-west-1',
  accountId: '123456789012',
  ref: (id) => ({ Queue: 'http://localhost:4566/123456789012/q', Table: 'orders' })[id] ?? (() => { throw new TemplateError(`no ${id}`); })(),
  getAtt: (id, attribute) => `${id}.${attribute}`,
  importValue: (name) => (name === 'shop-event-bus-dev-EventBusName' ? 'shop-dev' : undefined),
  condition: (name) => name === 'IsProd',
};

describe('intrinsic functions', () => {
  it('resolves Ref to resources and pseudo parameters', () => {
    expect(resolve({ a: { Ref: 'Table' }, b: { Ref: 'AWS::Region' }, c: { Ref: 'AWS::AccountId' }, d: { Ref: 'AWS::Partition' }, e: { Ref: 'AWS::StackName' } }, ctx)).toEqual({
      a: 'orders', b: 'eu-west-1', c: '123456789012', d: 'aws', e: 'shop-orders-dev',
    });
  });

  it('resolves Fn::GetAtt in both forms', () => {
    expect(resolve([{ 'Fn::GetAtt': ['Queue', 'Arn'] }, { 'Fn::GetAtt': 'Bus.Arn' }], ctx)).toEqual(['Queue.Arn', 'Bus.Arn']);
  });

  it('resolves Fn::Sub with resources, attributes, pseudo parameters, variables and ${!literal}', () => {
    expect(resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${Table}-${Fn.Arn}' }, ctx)).toBe(
      'arn:aws:states:eu-west-1:123456789012:stateMachine:orders-Fn.Arn',
    );
    expect(resolve({ 'Fn::Sub': ['${Name}-${!Keep}', { Name: { Ref: 'Table' } }] }, ctx)).toBe('orders-${Keep}');
  });

  it('resolves Fn::Join, Fn::Select, Fn::Split and Fn::ImportValue', () => {
    expect(resolve({ 'Fn::Join': ['/', ['a', { Ref: 'Table' }, { 'Fn::ImportValue': 'shop-event-bus-dev-EventBusName' }]] }, ctx)).toBe('a/orders/shop-dev');
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'x,y,z'] }] }, ctx)).toBe('y');
    expect(() => resolve({ 'Fn::Select': [5, ['a']] }, ctx)).toThrow(/out of range/);
  });

  it('resolves conditions and drops AWS::NoValue', () => {
    expect(resolve({ size: { 'Fn::If': ['IsProd', 10, 1] }, other: { 'Fn::If': ['IsDev', 'x', { Ref: 'AWS::NoValue' }] }, list: ['a', { Ref: 'AWS::NoValue' }] }, ctx)).toEqual({
      size: 10,
      list: ['a'],
    });
    expect(resolve({ 'Fn::Equals': ['a', 'a'] }, ctx)).toBe(true);
    expect(resolve({ 'Fn::Not': [{ 'Fn::Equals': ['a', 'b'] }] }, ctx)).toBe(true);
  });

  it('names what it cannot resolve', () => {
    expect(() => resolve({ Ref: 'Missing' }, ctx)).toThrow('no Missing');
    expect(() => resolve({ 'Fn::Join': ['-', [{ a: 1 }]] }, ctx)).toThrow(/Fn::Join expects a string/);
  });

  it('lists the logical ids a value refers to, for creation order', () => {
    const ids = referencedIds({
      a: { Ref: 'Queue' }, b: { 'Fn::GetAtt': ['Table', 'Arn'] }, c: { 'Fn::Sub': ['${Role.Arn}-${AWS::Region}-${V}-${!No}', { V: { Ref: 'Bus' } }] }, d: { Ref: 'AWS::AccountId' },
    });
    expect([...ids].sort()).toEqual(['Bus', 'Queue', 'Role', 'Table']);
  });
});
