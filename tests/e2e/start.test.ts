import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { repoPath } from '../contracts/services';

/** Runs scripts/start.ts as `npm start` does, on a free port, collecting its output. */
function start(port: number, httpPort = 0): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let output = '';
  const child = spawn(repoPath('node_modules/.bin/tsx'), [repoPath('scripts/start.ts')], { env: { ...process.env, LOCAL_CLOUD_PORT: String(port), PORT: String(httpPort) }, cwd: repoPath() });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start', () => {
  it('brings the system up on the endpoint, says when it is ready, and stops everything on SIGINT', async () => {
    const port = await freePort();
    const run = start(port);
    await until(() => run.output().includes('[start] ready'), 'the ready line');
    expect(run.output()).toContain(`AWS endpoint http://localhost:${port}`);
    const httpBase = /HTTP (http:\/\/localhost:\d+)/.exec(run.output())![1]!;
    expect((await fetch(`${httpBase}/no/such/route`)).status).toBe(404);
    // npm run demo against it: one order down each path, each ending as it should.
    const demo = spawnSync(repoPath('node_modules/.bin/tsx'), [repoPath('scripts/demo.ts')], { env: { ...process.env, BASE_URL: httpBase }, encoding: 'utf8' });
    expect({ status: demo.status, stderr: demo.stderr }).toEqual({ status: 0, stderr: '' });
    for (const line of [/confirmed +\w+ +order CONFIRMED +payment CAPTURED/, /payment declined +\w+ +order CANCELLED \(PAYMENT_FAILED\) +payment FAILED captured 0/, /out of stock +\w+ +order CANCELLED \(OUT_OF_STOCK\)/, /partial stock +\w+ +order CANCELLED \(OUT_OF_STOCK\)/, /high value \(fraud review\) +\w+ +order CONFIRMED/]) {
      expect(demo.stdout).toMatch(line);
    }
    const health = await (await fetch(`http://localhost:${port}/_local/health`)).json();
    expect(health.services).toEqual(expect.arrayContaining(['events', 'sqs', 'schemas', 'dynamodb']));
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    await expect(fetch(`http://localhost:${port}/_local/health`)).rejects.toThrow();
  }, 120_000);

  it('says clearly when the port is taken, without a stack trace', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const run = start((blocker.address() as net.AddressInfo).port);
    try {
      expect(await run.exited).toBe(1);
    } finally {
      blocker.close();
    }
    expect(run.output()).toMatch(/\[start\] failed: port \d+ is already in use/);
    expect(run.output()).not.toMatch(/^\s+at /m);
  });
});
