import { catalog } from './catalog';
import { checkDetail } from './validation';
import { orderPlacedV1Data, upcastOrderPlacedV1 } from './versions';

const v2Example = () => structuredClone(catalog['OrderPlaced.v2'].examples[0]) as any;
const v1Example = () => structuredClone(catalog['OrderPlaced.v1'].examples[0]) as any;

describe('OrderPlaced versions', () => {
  it('derives a schema-valid v1 from v2 for the dual publish', () => {
    const v2 = v2Example();
    const v1Data = orderPlacedV1Data(v2.data);
    expect(v1Data).toEqual(v1Example().data);
    expect(checkDetail('OrderPlaced.v1', { metadata: { ...v2.metadata, version: 'v1' }, data: v1Data })).toEqual([]);
  });

  it('upcasts v1 to a schema-valid v2 with the same metadata id', () => {
    const v1 = v1Example();
    const v2 = upcastOrderPlacedV1(v1);
    expect(checkDetail('OrderPlaced.v2', v2)).toEqual([]);
    expect(v2.metadata.id).toBe(v1.metadata.id);
    expect(v2.data).toEqual(v2Example().data);
  });

  it('upcasts a zero-decimal currency correctly', () => {
    const v1 = v1Example();
    v1.data.currency = 'JPY';
    v1.data.items = [{ sku: 'TEA', quantity: 3, unitPrice: 500 }];
    v1.data.total = 1500;
    const v2 = upcastOrderPlacedV1(v1);
    expect(v2.data.total).toEqual({ amount: 1500, currency: 'JPY' });
    expect(v2.data.items[0]!.unitPrice).toEqual({ amount: 500, currency: 'JPY' });
  });
});
