/**
 * npx tsx scripts/bench-stepfunctions.ts
 *
 * Throughput of the local Step Functions emulation: a 5-state machine of Lambda tasks (two optimised
 * lambda:invoke integrations, three Lambda function ARNs) calling an in-process fake Lambda. Runs 2,000
 * executions with 100 in flight, through the API (StartSyncExecution on an EXPRESS machine; StartExecution on a
 * STANDARD one, waiting for each to close), and prints executions/s of each run and the median of 5 runs.
 */
import '../libs/local-cloud/src/polyfills';
import { Cloud, type CloudActivity } from '../libs/local-cloud/src/cloud';
import { StepFunctionsService } from '../libs/local-cloud/src/stepfunctions';

const EXECUTIONS = 2_000;
const IN_FLIGHT = 100;
const RUNS = 5;

const functionArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const invoke = (name: string, next: string) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: name, 'Payload.$': '$' },
  OutputPath: '$.Payload',
  Next: next,
});
const definition = JSON.stringify({
  StartAt: 'Validate',
  States: {
    Validate: invoke('validate', 'Price'),
    Price: { Type: 'Task', Resource: functionArn('price'), Next: 'Reserve' },
    Reserve: { Type: 'Task', Resource: functionArn('reserve'), Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }], Next: 'Charge' },
    Charge: invoke('charge', 'Confirm'),
    Confirm: { Type: 'Task', Resource: functionArn('confirm'), End: true },
  },
});

function cloudWithFakeLambda(): Cloud {
  const cloud = new Cloud({ timeScale: 0.001 });
  cloud.lambda = {
    invoke: async (_functionName, payload) => {
      const order = JSON.parse(payload);
      return { payload: JSON.stringify({ ...order, steps: (order.steps ?? 0) + 1 }) };
    },
    invokeAsync: async () => undefined,
  };
  return cloud;
}

/** Runs `start(i)` for every i with at most IN_FLIGHT at once; answers executions/s. */
async function measure(start: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const began = process.hrtime.bigint();
  const worker = async () => {
    while (next < EXECUTIONS) await start(next++);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  return EXECUTIONS / seconds;
}

async function bench(type: 'EXPRESS' | 'STANDARD'): Promise<void> {
  const cloud = cloudWithFakeLambda();
  const sfn = new StepFunctionsService(cloud);
  // Closing executions, to wait for Standard ones without polling.
  const closed = new Map<string, () => void>();
  cloud.monitor.on('activity', (activity: CloudActivity) => {
    if (activity.type.startsWith('execution.') && activity.type !== 'execution.started') closed.get(activity.executionArn as string)?.();
  });
  const results: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    // A machine per run: each Standard run starts with no executions kept from the previous one.
    const { stateMachineArn } = (await sfn.dispatch('CreateStateMachine', {
      name: `bench-${type.toLowerCase()}-${run}`,
      type,
      definition,
      roleArn: 'arn:aws:iam::000000000000:role/bench',
    })) as { stateMachineArn: string };
    const perSecond = await measure(async (i) => {
      const input = JSON.stringify({ orderId: `o-${run}-${i}`, total: i });
      if (type === 'EXPRESS') {
        const { status } = (await sfn.dispatch('StartSyncExecution', { stateMachineArn, input })) as { status: string };
        if (status !== 'SUCCEEDED') throw new Error(`execution ${status}`);
        return;
      }
      const name = `o-${i}`;
      const done = new Promise<void>((resolve) => closed.set(`${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`, resolve));
      await sfn.dispatch('StartExecution', { stateMachineArn, name, input });
      await done;
    });
    closed.clear();
    results.push(perSecond);
    console.log(`${type} run ${run}: ${Math.round(perSecond)} executions/s`);
  }
  const median = [...results].sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
  console.log(`${type} median of ${RUNS}: ${Math.round(median)} executions/s (5 Lambda tasks each, ${IN_FLIGHT} in flight)`);
  sfn.close();
}

async function main(): Promise<void> {
  await bench('EXPRESS');
  await bench('STANDARD');
}

void main();
