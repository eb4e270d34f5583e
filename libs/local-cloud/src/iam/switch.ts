/**
 * LOCAL_CLOUD_IAM: `off` turns every IAM check off (everything is allowed), `on` or unset keeps them. Anything else is
 * refused, so that a typo does not silently leave IAM on or off.
 */
export function iamEnabledBy(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new Error(`LOCAL_CLOUD_IAM must be on or off, not ${JSON.stringify(value)}`);
}
