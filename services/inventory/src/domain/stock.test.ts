import { parseStockUpdate, skuErrors } from './stock';

describe('parseStockUpdate', () => {
  it('accepts a sku of the schema pattern and an integer >= 0', () => {
    expect(parseStockUpdate('SKU-RED_MUG1', { available: 0 })).toEqual({ ok: true, value: { sku: 'SKU-RED_MUG1', available: 0 } });
    expect(parseStockUpdate('a', { available: 12, note: 'extra fields are ignored' })).toEqual({ ok: true, value: { sku: 'a', available: 12 } });
  });

  it.each([
    ['a JSON array', 'SKU', [1], ['body']],
    ['null', 'SKU', null, ['body']],
    ['a number', 'SKU', 3, ['body']],
    ['a negative count', 'SKU', { available: -1 }, ['available']],
    ['a fraction', 'SKU', { available: 0.5 }, ['available']],
    ['a string count', 'SKU', { available: '3' }, ['available']],
    ['an unsafe integer', 'SKU', JSON.parse('{"available":9007199254740993}'), ['available']],
    ['a sku starting with a dash, and no count', '-SKU', {}, ['sku', 'available']],
    ['a sku with a slash, and a string body', 'A/B', 'x', ['sku', 'body']],
  ])('rejects %s, naming each field', (_case, sku, body: unknown, fields) => {
    const parsed = parseStockUpdate(sku, body);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors.map((e) => e.field)).toEqual(fields);
  });
});

describe('skuErrors', () => {
  it('follows the event schemas: 1 to 64 characters, first alphanumeric', () => {
    expect(skuErrors('A'.repeat(64))).toEqual([]);
    expect(skuErrors('A'.repeat(65))).toEqual([{ field: 'sku', message: expect.stringContaining('must match') }]);
    expect(skuErrors('_A')).toHaveLength(1);
    expect(skuErrors(undefined)).toHaveLength(1);
  });
});
