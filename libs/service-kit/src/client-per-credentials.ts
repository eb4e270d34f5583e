/**
 * An AWS client made on first use and kept, one per credentials the environment holds. The SDK resolves a client's
 * credentials from AWS_ACCESS_KEY_ID... once and keeps them. On Lambda they are one sandbox's execution role, which
 * never changes, so this is one client per process. Locally, in the emulator's process, every function's invocation
 * sees its own role's credentials (libs/local-cloud lambda/invocation-environment.ts): one client each, so that no
 * function signs with another's role.
 */
export function clientPerCredentials<T>(create: () => T): () => T {
  const clients = new Map<string, T>();
  return () => {
    const key = process.env.AWS_ACCESS_KEY_ID ?? '';
    let client = clients.get(key);
    if (!client) {
      client = create();
      clients.set(key, client);
    }
    return client;
  };
}
