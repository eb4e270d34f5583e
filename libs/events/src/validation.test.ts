import { catalog, detailTypes } from './catalog';
import { assertValidDetail, checkDetail, EventValidationError } from './validation';

const example = (detailType: keyof typeof catalog) => structuredClone(catalog[detailType].examples[0]) as any;

describe('schema validation', () => {
  it.each(detailTypes)('accepts the example of %s', (detailType) => {
    expect(checkDetail(detailType, example(detailType))).toEqual([]);
  });

  it('names a missing required field', () => {
    const detail = example('OrderPlaced.v2');
    delete detail.data.customer.email;
    expect(checkDetail('OrderPlaced.v2', detail)).toContainEqual({ path: 'detail.data.customer.email', message: 'is required' });
  });

  it('names a field of the wrong type, inside arrays too', () => {
    const detail = example('OrderPlaced.v2');
    detail.data.items[0].quantity = '2';
    detail.data.total = 25.98;
    const paths = checkDetail('OrderPlaced.v2', detail).map((v) => v.path);
    expect(paths).toEqual(expect.arrayContaining(['detail.data.items[0].quantity', 'detail.data.total']));
  });

  it('checks formats and enums', () => {
    const detail = example('OrderCancelled.v1');
    detail.data.reason = 'BORED';
    detail.data.customer.email = 'not-an-email';
    detail.metadata.timestamp = 'yesterday';
    const violations = checkDetail('OrderCancelled.v1', detail);
    expect(violations.map((v) => v.path).sort()).toEqual(['detail.data.customer.email', 'detail.data.reason', 'detail.metadata.timestamp']);
    expect(violations.find((v) => v.path === 'detail.data.reason')?.message).toContain('PAYMENT_FAILED');
  });

  it('rejects a v1 envelope sent as v2', () => {
    const detail = example('OrderPlaced.v2');
    detail.metadata.version = 'v1';
    expect(checkDetail('OrderPlaced.v2', detail)).toEqual([{ path: 'detail.metadata.version', message: 'must be one of ["v2"]' }]);
  });

  it('rejects unknown top-level members but tolerates additive data fields', () => {
    const detail = example('PaymentCompleted.v1');
    detail.data.newOptionalField = 'fine';
    expect(checkDetail('PaymentCompleted.v1', detail)).toEqual([]);
    detail.extra = true;
    expect(checkDetail('PaymentCompleted.v1', detail)).toEqual([{ path: 'detail.extra', message: 'is not allowed' }]);
  });

  it('rejects detail-types outside the catalogue', () => {
    expect(checkDetail('OrderShipped.v1', {})).toEqual([{ path: 'detail-type', message: '"OrderShipped.v1" is not in the event catalogue' }]);
  });

  it('assertValidDetail throws an error naming the event and the fields', () => {
    const detail = example('InventoryReserved.v1');
    detail.data.items = [];
    expect(() => assertValidDetail('InventoryReserved.v1', detail)).toThrow(EventValidationError);
    expect(() => assertValidDetail('InventoryReserved.v1', detail)).toThrow(/InventoryReserved\.v1 violates its schema: detail\.data\.items/);
  });
});
