import { md5OfAttributes } from './md5';

// Expected digests: the documented examples of the aws-md5-of-message-attributes package (computed by SQS's algorithm).
const string = { attribName1: { DataType: 'String', StringValue: 'attribValue 1' } };
const customNumber = { customNumberTypeAttrib: { DataType: 'Number.float', StringValue: '4563442423554324324264524243.32543234' } };
const binary = { binaryAttribute: { DataType: 'Binary', BinaryValue: Buffer.from('Hello binary world!').toString('base64') } };

describe('md5OfAttributes', () => {
  it.each([
    ['a string attribute', string, '19e27d4e946b072f3f58da80d94fd778'],
    ['a custom number type', customNumber, '9fe1b90bbd9965bdf77bac517c7d2495'],
    ['a binary attribute', binary, '31a92b15d92f8db860eda32aceb656c3'],
    ['several attributes, sorted by name', { ...string, ...customNumber, ...binary }, 'c932db14a896c663f83c260297d594ff'],
  ])('digests %s as SQS does', (_name, attributes, expected) => {
    expect(md5OfAttributes(attributes)).toBe(expected);
  });

  it('is absent for no attributes', () => {
    expect(md5OfAttributes({})).toBeUndefined();
  });
});
