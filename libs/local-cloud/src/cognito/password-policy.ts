import { randomBytes } from 'node:crypto';
import { AwsError } from '../errors';

/** A user pool's PasswordPolicy (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_PasswordPolicyType.html). */
export interface PasswordPolicy {
  MinimumLength?: number;
  RequireUppercase?: boolean;
  RequireLowercase?: boolean;
  RequireNumbers?: boolean;
  RequireSymbols?: boolean;
  TemporaryPasswordValidityDays?: number;
}

/** Cognito's default policy, for a pool created without one: 8 characters, every class required. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7 };

/** The special characters Cognito counts as symbols (https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html). */
const SYMBOL = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/;

/** Throws InvalidPasswordException naming the first rule broken, in Cognito's words. */
export function assertPasswordMeets(policy: PasswordPolicy, password: string): void {
  const broken =
    password.length < (policy.MinimumLength ?? 8) ? 'Password not long enough'
    : policy.RequireLowercase && !/[a-z]/.test(password) ? 'Password must have lowercase characters'
    : policy.RequireUppercase && !/[A-Z]/.test(password) ? 'Password must have uppercase characters'
    : policy.RequireNumbers && !/[0-9]/.test(password) ? 'Password must have numeric characters'
    : policy.RequireSymbols && !SYMBOL.test(password) ? 'Password must have symbol characters'
    : undefined;
  if (broken) throw new AwsError('InvalidPasswordException', `Password did not conform with policy: ${broken}`);
}

/** A password as the policy's generator would make it, for AdminCreateUser without TemporaryPassword. */
export function generatedPassword(policy: PasswordPolicy): string {
  return `Aa1!${randomBytes(Math.max(8, policy.MinimumLength ?? 8)).toString('base64url')}`;
}
