/** Small display helpers shared by the panels. */

/** `3f1c2a9e-8b7d-…` → `3f1c2a9e`: enough to tell orders apart in a dense table. */
export const shortId = (id: string) => id.slice(0, 8);

/** The last part of an ARN or URL: `…:function:shop-orders-dev-publish` → `shop-orders-dev-publish`. */
export function shortName(arnOrUrl: string): string {
  return arnOrUrl.split(/[:/]/).filter(Boolean).pop() ?? arnOrUrl;
}

export const truncate = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);

export function clock(iso: string | number): string {
  const date = new Date(iso);
  return `${date.toLocaleTimeString('en-GB', { hour12: false })}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** JSON text indented, or the text as it is when it is not JSON. */
export function pretty(text: string | undefined): string {
  if (text === undefined) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A CSS class for a status of any context: ok, bad, warn, busy or idle. */
export function tone(status: string): string {
  if (/^(SUCCEEDED|CONFIRMED|CAPTURED|COMPLETED|succeeded|\d+ sent)$/.test(status)) return 'ok';
  if (/^(FAILED|TIMED_OUT|ABORTED|CANCELLED|DECLINED|failed|dead-lettered|dropped)$/.test(status)) return 'bad';
  if (/^(CAUGHT|REFUNDED|VOIDED|retry)$/.test(status)) return 'warn';
  if (/^(RUNNING|WAITING|PENDING|AUTHORIZING|AUTHORIZED)$/.test(status)) return 'busy';
  return 'idle';
}
