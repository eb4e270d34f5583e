import { isIsoCurrency, minorUnitDigits, toMajorUnits, toMinorUnits, UnknownCurrencyError } from './money';

describe('money in minor units', () => {
  it('knows each currency exponent', () => {
    expect([minorUnitDigits('EUR'), minorUnitDigits('JPY'), minorUnitDigits('KWD')]).toEqual([2, 0, 3]);
  });

  // ICU (Intl on Node 20) says 0 for all five; ISO 4217 says 2 for the first four and 3 for IQD.
  it.each([
    ['HUF', 2],
    ['IDR', 2],
    ['COP', 2],
    ['PKR', 2],
    ['IQD', 3],
  ])('takes %s minor units from ISO 4217 (%i digits), not from ICU', (currency, digits) => {
    expect(minorUnitDigits(currency)).toBe(digits);
    expect(toMinorUnits(12.5, currency)).toBe(12.5 * 10 ** digits);
    expect(toMajorUnits(1250, currency)).toBe(1250 / 10 ** digits);
  });

  it('converts without floating point drift', () => {
    expect(toMinorUnits(0.29, 'EUR')).toBe(29);
    expect(toMinorUnits(1234.565, 'KWD')).toBe(1234565);
    expect(toMinorUnits(1500, 'JPY')).toBe(1500);
    expect(toMajorUnits(2598, 'EUR')).toBe(25.98);
    expect(toMajorUnits(1500, 'JPY')).toBe(1500);
  });

  it('refuses a code that is not in ISO 4217, naming it', () => {
    expect(isIsoCurrency('ABC')).toBe(false);
    expect(isIsoCurrency('eur')).toBe(false);
    expect(isIsoCurrency('EUR')).toBe(true);
    expect(() => minorUnitDigits('ABC')).toThrow(UnknownCurrencyError);
    expect(() => toMinorUnits(1, 'ABC')).toThrow('unknown currency "ABC": not an ISO 4217 code');
    expect(() => toMajorUnits(100, 'eur')).toThrow(UnknownCurrencyError);
  });
});
