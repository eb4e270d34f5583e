/** A function's configuration, read when it is needed: locally, functions share a process and each call has its own environment. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
