/**
 * What IAM costs each request of the emulator's endpoint (`npx tsx scripts/bench/iam-request-cost.ts`):
 * 1. the SigV4 check alone (SigV4Verifier.verify on a signed SendMessage request), CPU per request;
 * 2. a role session's SQS SendMessage through the endpoint with the SDK, IAM on and off, in this process (client and
 *    emulator), sequentially: the difference is the signature check plus the (cached) policy decision.
 */
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { startLocalCloud } from '../../libs/local-cloud/src';
import { AccessKeys } from '../../libs/local-cloud/src/iam/access-keys';
import { policyDocument } from '../../libs/local-cloud/src/iam/policy-document';
import { NodeSha256, SigV4Verifier } from '../../libs/local-cloud/src/iam/sigv4-verifier';

const ROLE = 'arn:aws:iam::000000000000:role/bench-sender';

async function verifyCost(requests: number): Promise<number> {
  const keys = new AccessKeys();
  const session = keys.issue(ROLE, 'bench');
  const signer = new SignatureV4({
    service: 'sqs',
    region: 'us-east-1',
    credentials: { accessKeyId: session.AccessKeyId, secretAccessKey: session.SecretAccessKey, sessionToken: session.SessionToken },
    sha256: NodeSha256,
  });
  const body = JSON.stringify({ QueueUrl: 'http://localhost:4566/000000000000/bench', MessageBody: 'x'.repeat(512) });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: 'localhost:4566',
    path: '/',
    query: {},
    headers: { host: 'localhost:4566', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage', 'content-length': String(body.length) },
    body,
  });
  const request = { method: 'POST', url: '/', headers: Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value])), body: Buffer.from(body) };
  const verifier = new SigV4Verifier(keys);
  if (!(await verifier.verify(request)).ok) throw new Error('the bench request does not verify');
  const cpu = process.cpuUsage();
  for (let i = 0; i < requests; i++) await verifier.verify(request);
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / requests;
}

async function sendCost(iam: boolean, requests: number): Promise<{ msPerRequest: number; cpuUsPerRequest: number }> {
  const local = await startLocalCloud({ port: 0, iam });
  try {
    local.iam.policies.putRole({
      arn: ROLE,
      trustPolicy: policyDocument({ Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, 'trust'),
      inlinePolicies: [{ name: 'send', policy: policyDocument({ Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:000000000000:bench' }] }, 'send') }],
    });
    const admin = new SQSClient({ endpoint: local.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const { QueueUrl } = await admin.send(new CreateQueueCommand({ QueueName: 'bench' }));
    admin.destroy();
    const session = local.keys.issue(ROLE, 'bench');
    const sqs = new SQSClient({ endpoint: local.url, region: 'us-east-1', credentials: { accessKeyId: session.AccessKeyId, secretAccessKey: session.SecretAccessKey, sessionToken: session.SessionToken } });
    for (let i = 0; i < 200; i++) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'warm-up' }));
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < requests; i++) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(512) }));
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    sqs.destroy();
    return { msPerRequest: ms / requests, cpuUsPerRequest: (used.user + used.system) / requests };
  } finally {
    await local.stop();
  }
}

async function main(): Promise<void> {
  const verify = await verifyCost(5000);
  console.log(`SigV4 verification alone: ${verify.toFixed(1)} µs CPU per request`);
  for (let round = 1; round <= 2; round++) {
    const off = await sendCost(false, 2000);
    const on = await sendCost(true, 2000);
    console.log(
      `round ${round}: SendMessage as a role session, IAM off ${off.msPerRequest.toFixed(3)} ms (${off.cpuUsPerRequest.toFixed(0)} µs CPU), ` +
        `IAM on ${on.msPerRequest.toFixed(3)} ms (${on.cpuUsPerRequest.toFixed(0)} µs CPU): +${(on.cpuUsPerRequest - off.cpuUsPerRequest).toFixed(0)} µs CPU per request`,
    );
  }
}

void main();
