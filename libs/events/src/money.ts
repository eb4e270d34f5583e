import { data as iso4217, publishDate as iso4217PublishDate } from 'currency-codes';

/**
 * Minor units of every ISO 4217 currency (EUR 2, JPY 0, KWD 3, IQD 3), from the ISO list one that currency-codes
 * ships (pinned: its version is the list's edition). Not `Intl`: ICU's digits are its own and differ from ISO's
 * (0 for HUF, IDR, COP, PKR and IQD on Node 20) and change with the ICU version.
 */
const MINOR_UNITS: ReadonlyMap<string, number> = new Map(iso4217.map(({ code, digits }) => [code, digits]));

/** The date of the ISO 4217 list the table comes from. */
export const ISO_4217_PUBLISHED: string = iso4217PublishDate;

export class UnknownCurrencyError extends Error {
  override readonly name = 'UnknownCurrencyError';
  constructor(readonly currency: string) {
    super(`unknown currency ${JSON.stringify(currency)}: not an ISO 4217 code (list of ${ISO_4217_PUBLISHED})`);
  }
}

export function isIsoCurrency(currency: string): boolean {
  return MINOR_UNITS.has(currency);
}

/** Digits after the decimal point of an ISO 4217 currency; throws UnknownCurrencyError for any other code. */
export function minorUnitDigits(currency: string): number {
  const digits = MINOR_UNITS.get(currency);
  if (digits === undefined) throw new UnknownCurrencyError(currency);
  return digits;
}

export function toMinorUnits(major: number, currency: string): number {
  return Math.round(major * 10 ** minorUnitDigits(currency));
}

export function toMajorUnits(minor: number, currency: string): number {
  const digits = minorUnitDigits(currency);
  return Number((minor / 10 ** digits).toFixed(digits));
}
