/**
 * Configuration is read per invocation (locally, functions share a process and see their environment only while they
 * run); a missing variable is a deployment error, named.
 */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The failure of a conditional write, which the adapters read as "someone else got there first". */
export const isConditionFailed = (error: unknown) => (error as { name?: string }).name === 'ConditionalCheckFailedException';
