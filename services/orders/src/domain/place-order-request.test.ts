import { MAX_ITEMS, parsePlaceOrder } from './place-order-request';

const CUSTOMER = '7d1c6f0e-2b8a-4e57-9c3d-1a2b3c4d5e6f';
const valid = {
  customerEmail: 'ada@example.com',
  currency: 'EUR',
  items: [
    { sku: 'SKU-1', quantity: 2, unitPrice: 1299 },
    { sku: 'sku_2', quantity: 1, unitPrice: 1 },
  ],
  paymentToken: 'tok_visa',
};
const fields = (body: unknown) => {
  const parsed = parsePlaceOrder(body, CUSTOMER);
  return parsed.ok ? [] : parsed.errors.map((e) => e.field).sort();
};

describe('parsePlaceOrder', () => {
  it('accepts a valid order', () => {
    expect(parsePlaceOrder(valid, CUSTOMER)).toEqual({ ok: true, value: { customerId: CUSTOMER, ...valid } });
  });

  it("refuses a body naming a customer, whichever: the customer is the token's subject", () => {
    for (const customerId of [CUSTOMER, 'someone-else']) {
      expect(parsePlaceOrder({ ...valid, customerId }, CUSTOMER)).toEqual({ ok: false, errors: [{ field: 'customerId', message: "is not accepted: the customer is the signed-in caller (the token's subject)" }] });
    }
  });

  it('names every missing field', () => {
    expect(fields({})).toEqual(['currency', 'customerEmail', 'items', 'paymentToken']);
  });

  it('names each bad item field by its index', () => {
    const items = [
      { sku: 'SKU-1', quantity: 1, unitPrice: 100 },
      { sku: 'SKU-2', quantity: -1, unitPrice: 0 },
      { sku: '-leading-dash', quantity: 1.5, unitPrice: '3' },
      { quantity: 1, unitPrice: 1 },
    ];
    expect(fields({ ...valid, items })).toEqual(['items[1].quantity', 'items[1].unitPrice', 'items[2].quantity', 'items[2].sku', 'items[2].unitPrice', 'items[3].sku']);
  });

  it('checks the e-mail, the currency pattern and that the currency is an ISO 4217 code', () => {
    expect(fields({ ...valid, customerEmail: 'nope', currency: 'eur' })).toEqual(['currency', 'customerEmail']);
    expect(parsePlaceOrder({ ...valid, currency: 'ABC' }, CUSTOMER)).toEqual({ ok: false, errors: [{ field: 'currency', message: 'is not an ISO 4217 currency code' }] });
    expect(fields({ ...valid, currency: 'JPY' })).toEqual([]);
  });

  it('takes the currency list from ISO 4217, not from the runtime (ICU)', () => {
    for (const currency of ['HUF', 'IDR', 'COP', 'PKR', 'IQD']) expect(fields({ ...valid, currency })).toEqual([]);
    // ICU still knows the kuna, which ISO 4217 withdrew in 2023.
    expect(parsePlaceOrder({ ...valid, currency: 'HRK' }, CUSTOMER)).toEqual({ ok: false, errors: [{ field: 'currency', message: 'is not an ISO 4217 currency code' }] });
  });

  it('refuses a sku on two lines, naming each repeat, along with the other bad fields', () => {
    const items = [
      { sku: 'SKU-1', quantity: 1, unitPrice: 100 },
      { sku: 'SKU-1', quantity: 2, unitPrice: 100 },
      { sku: 'SKU-2', quantity: 0, unitPrice: 100 },
      { sku: 'SKU-1', quantity: 1, unitPrice: 100 },
    ];
    const parsed = parsePlaceOrder({ ...valid, currency: 'ABC', items }, CUSTOMER);
    expect(parsed).toEqual({
      ok: false,
      errors: expect.arrayContaining([
        { field: 'items[1].sku', message: 'repeats the sku of items[0]: order its whole quantity on one line' },
        { field: 'items[3].sku', message: 'repeats the sku of items[0]: order its whole quantity on one line' },
      ]),
    });
    expect(fields({ ...valid, currency: 'ABC', items })).toEqual(['currency', 'items[1].sku', 'items[2].quantity', 'items[3].sku']);
    // Skus differing only in case are different stock items.
    expect(fields({ ...valid, items: [{ sku: 'sku-1', quantity: 1, unitPrice: 1 }, { sku: 'SKU-1', quantity: 1, unitPrice: 1 }] })).toEqual([]);
  });

  it('takes 1 to 100 items', () => {
    expect(fields({ ...valid, items: [] })).toEqual(['items']);
    const many = Array.from({ length: MAX_ITEMS + 1 }, (_, i) => ({ sku: `S${i}`, quantity: 1, unitPrice: 1 }));
    expect(fields({ ...valid, items: many })).toEqual(['items']);
    expect(fields({ ...valid, items: many.slice(0, MAX_ITEMS) })).toEqual([]);
  });

  it('refuses unknown fields, so that a misspelt one is not silently ignored', () => {
    expect(fields({ ...valid, paymentTokn: 'x' })).toEqual(['paymentTokn']);
    expect(fields({ ...valid, items: [{ sku: 'A', quantity: 1, unitPrice: 1, qty: 2 }] })).toEqual(['items[0].qty']);
  });

  it('refuses a total beyond exact integer arithmetic', () => {
    const huge = { sku: 'A', quantity: 2, unitPrice: Number.MAX_SAFE_INTEGER };
    expect(fields({ ...valid, items: [huge] })).toEqual(['items']);
  });

  it("refuses a total beyond EventBridge's numeric matching (5e9), which no payments rule would route", () => {
    const at = (unitPrice: number) => parsePlaceOrder({ ...valid, items: [{ sku: 'A', quantity: 2, unitPrice }] }, CUSTOMER);
    expect(at(2_500_000_000)).toMatchObject({ ok: true });
    expect(at(2_500_000_001)).toEqual({ ok: false, errors: [{ field: 'items', message: 'the order total is too large: at most 5000000000 minor units' }] });
  });

  it('refuses a body that is not a JSON object', () => {
    expect(fields('{"customerEmail":')).toEqual(['body']);
    expect(fields(null)).toEqual(['body']);
    expect(fields([1, 2])).toEqual(['body']);
  });

  it('holds every string to its bound and tokens to an identifier pattern', () => {
    expect(fields({ ...valid, paymentToken: 'tok visa' })).toEqual(['paymentToken']);
    expect(fields({ ...valid, paymentToken: 't'.repeat(129) })).toEqual(['paymentToken']);
    expect(fields({ ...valid, customerEmail: `${'a'.repeat(250)}@example.com` })).toEqual(['customerEmail']);
    expect(fields({ ...valid, items: [{ sku: 'S'.repeat(65), quantity: 1, unitPrice: 1 }] })).toEqual(['items[0].sku']);
  });
});
