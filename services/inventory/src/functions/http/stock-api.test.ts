import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { signedIn } from '@shop/service-kit/src/testing';
import type { StockLevel } from '../../domain/stock';
import { getStock } from './get-stock';
import { putStock } from './put-stock';

/** By an admin unless `caller` says otherwise: only admins set stock. */
const request = (sku: string, body?: string, isBase64Encoded = false, contentType = 'application/json', caller = signedIn('ops-1', ['admins'])) =>
  ({ pathParameters: { sku }, headers: { 'content-type': contentType }, body, isBase64Encoded, requestContext: caller }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

function fakeStock(levels: Record<string, StockLevel> = {}) {
  return {
    levels,
    async setAvailable(sku: string, available: number) {
      return (levels[sku] = { sku, available, reserved: levels[sku]?.reserved ?? 0 });
    },
    async get(sku: string) {
      return levels[sku];
    },
  };
}

describe('putStock', () => {
  it('answers 403 naming the admins group to a customer, and writes nothing', async () => {
    const stock = fakeStock();
    const response = await putStock(request('MUG', '{"available":9}', false, 'application/json', signedIn('c-1', ['shoppers'])), stock);
    expect(response).toMatchObject({ statusCode: 403, body: JSON.stringify({ message: 'Forbidden: setting stock needs the admins group' }) });
    expect(stock.levels).toEqual({});
  });

  it('sets the free units and answers the level', async () => {
    const stock = fakeStock({ MUG: { sku: 'MUG', available: 1, reserved: 4 } });
    const response = await putStock(request('MUG', '{"available":9}'), stock);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body!)).toEqual({ sku: 'MUG', available: 9, reserved: 4 });
  });

  it('decodes a base64 body', async () => {
    const response = await putStock(request('MUG', Buffer.from('{"available":2}').toString('base64'), true), fakeStock());
    expect(JSON.parse(response.body!)).toEqual({ sku: 'MUG', available: 2, reserved: 0 });
  });

  it('answers 400 naming every bad field and writes nothing', async () => {
    const stock = fakeStock();
    const response = await putStock(request('-MUG', '{"available":-2}'), stock);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body!)).toEqual({
      message: 'invalid request: sku, available',
      errors: [expect.objectContaining({ field: 'sku' }), expect.objectContaining({ field: 'available' })],
    });
    expect(stock.levels).toEqual({});
  });

  it('answers 415 for a body that is not application/json and 413 past 1 KiB, and writes nothing', async () => {
    const stock = fakeStock();
    const form = await putStock(request('MUG', 'available=3', false, 'application/x-www-form-urlencoded'), stock);
    expect(form.statusCode).toBe(415);
    expect(JSON.parse(form.body!).errors).toEqual([{ field: 'content-type', message: expect.stringContaining('must be application/json') }]);
    const padded = await putStock(request('MUG', `{"available":3${' '.repeat(1024)}}`), stock);
    expect(padded.statusCode).toBe(413);
    expect(JSON.parse(padded.body!).message).toBe('body is 1039 bytes: at most 1024 bytes');
    expect(stock.levels).toEqual({});
  });
});

describe('getStock', () => {
  it('answers the level, 404 for an unknown sku, 400 for a malformed one', async () => {
    const stock = fakeStock({ MUG: { sku: 'MUG', available: 3, reserved: 1 } });
    expect(JSON.parse((await getStock(request('MUG'), stock)).body!)).toEqual({ sku: 'MUG', available: 3, reserved: 1 });
    expect((await getStock(request('CUP'), stock)).statusCode).toBe(404);
    expect((await getStock(request('A B'), stock)).statusCode).toBe(400);
  });
});
