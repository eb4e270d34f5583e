import type { AccessKeys, TemporaryCredentials } from './access-keys';

/**
 * Each function's credentials: a session of its execution role named after the function, as Lambda's own
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html), issued once per function and role
 * and handed to every invocation as the runtime's environment variables
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 */
export class FunctionCredentials {
  private readonly sessions = new Map<string, TemporaryCredentials>();

  constructor(private readonly keys: AccessKeys) {}

  /** None for a function registered without a role (it keeps the emulator's default, administrator, keys). */
  of(fn: { functionName: string; roleArn?: string }): TemporaryCredentials | undefined {
    if (!fn.roleArn) return undefined;
    const key = `${fn.functionName}\0${fn.roleArn}`;
    let credentials = this.sessions.get(key);
    if (!credentials) {
      credentials = this.keys.issue(fn.roleArn, fn.functionName);
      this.sessions.set(key, credentials);
    }
    return credentials;
  }

  environmentOf(fn: { functionName: string; roleArn?: string }): Record<string, string> {
    const credentials = this.of(fn);
    if (!credentials) return {};
    return { AWS_ACCESS_KEY_ID: credentials.AccessKeyId, AWS_SECRET_ACCESS_KEY: credentials.SecretAccessKey, AWS_SESSION_TOKEN: credentials.SessionToken };
  }
}
