import path from 'node:path';
import { startLocalCloud, type LocalCloud } from '../src';
// The plugin is plain CommonJS: the Serverless Framework requires it as it is.
const OfflineEnvironmentFromLocalCloud = require('./offline-environment');

let local: LocalCloud;
beforeAll(async () => {
  local = await startLocalCloud({ port: 0 });
  local.lambda.registerFunction({ functionName: 'shop-orders-dev-getOrder', handler: 'handlers.echo', servicePath: path.join(__dirname, '../src/lambda/fixtures'), environment: { ORDERS_TABLE: 'shop-orders-dev-orders' } });
  local.lambda.registerFunction({
    functionName: 'shop-orders-dev-settleOrder',
    handler: 'handlers.echo',
    servicePath: path.join(__dirname, '../src/lambda/fixtures'),
    environment: { ORDERS_TABLE: 'shop-orders-dev-orders' },
    roleArn: 'arn:aws:iam::000000000000:role/shop-orders-dev-settleOrder-us-east-1-lambdaRole',
  });
});
afterAll(() => local.stop());

/** The slice of the Serverless Framework's service object the plugin touches, with serverless.yml's unresolved CloudFormation. */
function serverlessWith(functions: Record<string, { name: string; environment?: unknown }>) {
  return {
    service: {
      provider: { environment: { SHARED: { Ref: 'SomeTable' } } },
      getAllFunctions: () => Object.keys(functions),
      getFunction: (key: string) => functions[key],
    },
  };
}

async function applyWith(endpoint: string | undefined, serverless: ReturnType<typeof serverlessWith>): Promise<void> {
  const saved = process.env.AWS_ENDPOINT_URL;
  if (endpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
  else process.env.AWS_ENDPOINT_URL = endpoint;
  try {
    await new OfflineEnvironmentFromLocalCloud(serverless, {}).hooks['before:offline:start:init']();
  } finally {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
  }
}

describe('the serverless offline environment plugin', () => {
  it("replaces each function's CloudFormation environment with the one the emulator resolved", async () => {
    const getOrder = { name: 'shop-orders-dev-getOrder', environment: { ORDERS_TABLE: { Ref: 'OrdersTable' } } };
    const serverless = serverlessWith({ getOrder });
    await applyWith(local.url, serverless);
    expect(getOrder.environment).toEqual({ ORDERS_TABLE: 'shop-orders-dev-orders' });
    expect(serverless.service.provider.environment).toEqual({});
  });

  it("adds the credentials of the function's role, as Lambda does (serverless offline would hand it this process's)", async () => {
    const settleOrder: { name: string; environment?: unknown } = { name: 'shop-orders-dev-settleOrder' };
    await applyWith(local.url, serverlessWith({ settleOrder }));
    const credentials = local.functionCredentials.of(local.lambda.getFunction('shop-orders-dev-settleOrder'))!;
    expect(settleOrder.environment).toEqual({
      ORDERS_TABLE: 'shop-orders-dev-orders',
      AWS_ACCESS_KEY_ID: credentials.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.SecretAccessKey,
      AWS_SESSION_TOKEN: credentials.SessionToken,
    });
  });

  it('names the function that the emulator has not loaded, and how to load it', async () => {
    const serverless = serverlessWith({ getPayment: { name: 'shop-payments-dev-getPayment' } });
    await expect(applyWith(local.url, serverless)).rejects.toThrow(/function shop-payments-dev-getPayment is not loaded in the local AWS at http:\/\/localhost:\d+ \(ResourceNotFoundException.*`npm start` loads/);
  });

  it('says what is missing when no AWS_ENDPOINT_URL points at the emulator', async () => {
    await expect(applyWith(undefined, serverlessWith({}))).rejects.toThrow(/set AWS_ENDPOINT_URL to it\. `npm start` at the repository root/);
  });
});
