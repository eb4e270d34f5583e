/**
 * Digits after the decimal point of an ISO 4217 currency (EUR 2, JPY 0, KWD 3), from the runtime's ICU data:
 * converting major units to minor units with a fixed 100 would be wrong for JPY or KWD.
 */
export function minorUnitDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function toMinorUnits(major: number, currency: string): number {
  return Math.round(major * 10 ** minorUnitDigits(currency));
}

export function toMajorUnits(minor: number, currency: string): number {
  const digits = minorUnitDigits(currency);
  return Number((minor / 10 ** digits).toFixed(digits));
}
