import fs from 'node:fs';
import path from 'node:path';
import { catalog, detailTypes } from '@shop/events';
import { rejectedByOldSchema } from './consumer-samples';

const load = (detailType: string, domain: string) =>
  JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../schemas', domain, `${detailType}.json`), 'utf8'));

describe('rejectedByOldSchema: events of the new schema, validated with the old one', () => {
  it.each(detailTypes.map((t) => [t] as const))('finds nothing between %s and itself, documented anew', (detailType) => {
    const documented = { ...structuredClone(catalog[detailType]), description: 'documented anew' };
    expect(rejectedByOldSchema(catalog[detailType], documented)).toEqual([]);
  });

  it('catches a value added to an enum, naming the field and the value', () => {
    const before = load('OrderCancelled.v1', 'orders');
    const after = load('OrderCancelled.v1', 'orders');
    after.properties.data.properties.reason.enum.push('CUSTOMER_REQUEST');
    expect(rejectedByOldSchema(before, after)).toEqual([
      {
        field: 'data.reason',
        kind: 'rejected by the old schema',
        detail: 'must be one of ["PAYMENT_FAILED","OUT_OF_STOCK","TIMEOUT","FRAUD_REJECTED"], in a sample with data.reason = "CUSTOMER_REQUEST"',
      },
    ]);
  });

  it('catches a property added inside a closed object: the envelope, and one inside array items', () => {
    const before = load('OrderPlaced.v2', 'orders');
    const after = load('OrderPlaced.v2', 'orders');
    after.properties.trace = { type: 'string' };
    after.properties.data.properties.items.items.properties.unitPrice.properties.precision = { type: 'integer' };
    expect(rejectedByOldSchema(before, after)).toEqual([
      { field: 'data.items[].unitPrice.precision', kind: 'rejected by the old schema', detail: 'is not allowed, in a sample with data.items[].unitPrice.precision present' },
      { field: 'trace', kind: 'rejected by the old schema', detail: 'is not allowed, in a sample with trace present' },
    ]);
  });

  it('catches a closed object that was opened: events may now carry a property it does not declare', () => {
    const before = load('PaymentCompleted.v1', 'payments');
    const after = load('PaymentCompleted.v1', 'payments');
    after.properties.data.properties.amount.additionalProperties = true;
    expect(rejectedByOldSchema(before, after)).toEqual([
      { field: 'data.amount.undeclared', kind: 'rejected by the old schema', detail: 'is not allowed, in a sample with a property data.amount does not declare' },
    ]);
  });

  it('lets a new optional property of an open object pass, and a widened bound', () => {
    const before = load('OrderPlaced.v2', 'orders');
    const after = load('OrderPlaced.v2', 'orders');
    after.properties.data.properties.giftMessage = { type: 'string', maxLength: 500 };
    after.properties.data.properties.customer.properties.email.maxLength = 320;
    expect(rejectedByOldSchema(before, after)).toEqual([]);
  });

  it("reports a schema the project's validators cannot compile (a keyword that contradicts the type)", () => {
    const before = load('InventoryReserved.v1', 'inventory');
    const after = load('InventoryReserved.v1', 'inventory');
    after.properties.data.properties.items.items.properties.quantity.type = 'string';
    expect(rejectedByOldSchema(before, after)).toEqual([
      { field: '(schema)', kind: 'invalid schema', detail: expect.stringMatching(/^the project's validators \(draft-04, strict\) cannot compile the new one: strict mode: missing type "number" for keyword "minimum"/) },
    ]);
  });

  it('gives the same answer on every run (seeded samples)', () => {
    const before = load('PaymentCompleted.v1', 'payments');
    const after = load('PaymentCompleted.v1', 'payments');
    after.properties.data.properties.amount.additionalProperties = true;
    expect(rejectedByOldSchema(before, after)).toEqual(rejectedByOldSchema(before, after));
  });
});
