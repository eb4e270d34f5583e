import net, { type AddressInfo } from 'node:net';

export interface PortAdvice {
  /** The environment variable that moves this port, e.g. PORT. */
  setting: string;
  /** What the port is for, when a tool listens on several. */
  purpose?: string;
}

/**
 * Listens, and turns a taken port into a readable Error that names the port and the setting that moves it, rather
 * than a stack trace. Every server this project starts locally listens through here.
 */
export function listenOn(server: net.Server, port: number, host: string, advice: PortAdvice): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const purpose = advice.purpose ? ` (${advice.purpose})` : '';
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port}${purpose} is already in use: stop the process using it or set ${advice.setting}`) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Fails as listenOn does when the port is taken, before anything is started on it. */
export async function assertPortFree(port: number, advice: PortAdvice): Promise<void> {
  const probe = net.createServer();
  await listenOn(probe, port, '127.0.0.1', advice);
  await new Promise((resolve) => probe.close(resolve));
}
