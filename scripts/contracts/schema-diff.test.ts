import fs from 'node:fs';
import path from 'node:path';
import { diffSchemas, formatChanges } from './schema-diff';

const load = (detailType: string, domain: string) =>
  JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../schemas', domain, `${detailType}.json`), 'utf8'));
const orderPlaced = () => load('OrderPlaced.v2', 'orders');

describe('diffSchemas: breaking changes inside a version', () => {
  it('finds nothing between a schema and itself', () => {
    expect(diffSchemas(orderPlaced(), orderPlaced())).toEqual([]);
  });

  it('catches a removed required property and names the field', () => {
    const after = orderPlaced();
    delete after.properties.data.properties.customer.properties.email;
    after.properties.data.properties.customer.required = ['id'];
    expect(formatChanges('OrderPlaced.v2', diffSchemas(orderPlaced(), after))).toEqual([
      'OrderPlaced.v2: data.customer.email: removed property (removed (was required): consumers may rely on it)',
    ]);
  });

  it('catches a removed optional property and a rename (removed + added)', () => {
    const after = orderPlaced();
    after.properties.metadata.properties.origin = after.properties.metadata.properties.causationId;
    delete after.properties.metadata.properties.causationId;
    expect(diffSchemas(orderPlaced(), after)).toEqual([expect.objectContaining({ field: 'metadata.causationId', kind: 'removed property' })]);
  });

  it('catches a field that is no longer required', () => {
    const after = orderPlaced();
    after.properties.data.required = after.properties.data.required.filter((name: string) => name !== 'paymentMethod');
    expect(diffSchemas(orderPlaced(), after)).toEqual([expect.objectContaining({ field: 'data.paymentMethod', kind: 'no longer required' })]);
  });

  it('catches a newly required field', () => {
    const after = orderPlaced();
    after.properties.data.properties.customer.required.push('name');
    expect(diffSchemas(orderPlaced(), after)).toEqual([expect.objectContaining({ field: 'data.customer.name', kind: 'newly required' })]);
  });

  it('catches a changed type, inside array items too', () => {
    const after = orderPlaced();
    after.properties.data.properties.items.items.properties.quantity.type = 'number';
    expect(diffSchemas(orderPlaced(), after)).toEqual([expect.objectContaining({ field: 'data.items[].quantity', kind: 'changed type' })]);
  });

  // A widened enum is no rule's: consumers validating against the old enum reject the new value, which
  // consumer-samples finds by validating events of the new schema with the old one.
  it('catches a narrowed enum; a widened one is left to the consumer samples', () => {
    const before = load('OrderCancelled.v1', 'orders');
    const narrowed = load('OrderCancelled.v1', 'orders');
    narrowed.properties.data.properties.reason.enum = ['PAYMENT_FAILED', 'OUT_OF_STOCK', 'TIMEOUT'];
    expect(diffSchemas(before, narrowed)).toEqual([
      { field: 'data.reason', kind: 'narrowed enum', detail: 'no longer allows "FRAUD_REJECTED"' },
    ]);
    const widened = load('OrderCancelled.v1', 'orders');
    widened.properties.data.properties.reason.enum.push('CUSTOMER_REQUEST');
    expect(diffSchemas(before, widened)).toEqual([]);
  });

  it('catches a new or changed format', () => {
    const after = orderPlaced();
    after.properties.data.properties.paymentMethod.properties.token.format = 'uri';
    expect(diffSchemas(orderPlaced(), after)).toEqual([expect.objectContaining({ field: 'data.paymentMethod.token', kind: 'narrowed format' })]);
  });

  it('catches additionalProperties tightened', () => {
    const after = orderPlaced();
    after.properties.data.additionalProperties = false;
    expect(diffSchemas(orderPlaced(), after)).toEqual([expect.objectContaining({ field: 'data', kind: 'additionalProperties tightened' })]);
  });

  it('catches narrowed bounds and patterns', () => {
    const after = orderPlaced();
    after.properties.data.properties.customer.properties.email.maxLength = 100;
    after.properties.data.properties.total.properties.amount.minimum = 1;
    after.properties.data.properties.customer.properties.id.pattern = '^c-';
    expect(diffSchemas(orderPlaced(), after).map((c) => c.field).sort()).toEqual(['data.customer.email', 'data.customer.id', 'data.total.amount']);
  });

  it('lets additive changes pass: a new optional property, widened bounds, docs', () => {
    const after = orderPlaced();
    after.properties.data.properties.giftMessage = { type: 'string', maxLength: 500 };
    after.properties.data.properties.customer.properties.email.maxLength = 320;
    after.properties.data.description = 'now documented';
    after.examples.push(after.examples[0]);
    expect(diffSchemas(orderPlaced(), after)).toEqual([]);
  });
});
