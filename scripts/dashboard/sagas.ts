/** Saga executions, read from the emulator's Step Functions through its own API (as the console would list them). */
import type { StepFunctionsService } from '../../libs/local-cloud/src/stepfunctions';
import type { ExecutionSummary } from './api-types';

interface MachineItem {
  stateMachineArn: string;
  name: string;
  type: string;
}

interface ExecutionItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate: number;
  stopDate?: number;
}

async function listAll<T>(fetchPage: (nextToken?: string) => Promise<{ items: T[]; nextToken?: string }>): Promise<T[]> {
  const all: T[] = [];
  let nextToken: string | undefined;
  do {
    const page = await fetchPage(nextToken);
    all.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return all;
}

/**
 * Every execution of every Standard state machine, and the Express executions the emulator still keeps (AWS lists
 * none: it only logs them), newest first.
 */
export async function listExecutions(states: StepFunctionsService): Promise<ExecutionSummary[]> {
  const machines = await listAll<MachineItem>(async (nextToken) => {
    const page = (await states.dispatch('ListStateMachines', { nextToken })) as { stateMachines: MachineItem[]; nextToken?: string };
    return { items: page.stateMachines, nextToken: page.nextToken };
  });
  const perMachine = await Promise.all(
    machines
      .filter((machine) => machine.type !== 'EXPRESS')
      .map(async (machine) => {
        const executions = await listAll<ExecutionItem>(async (nextToken) => {
          const page = (await states.dispatch('ListExecutions', { stateMachineArn: machine.stateMachineArn, nextToken })) as { executions: ExecutionItem[]; nextToken?: string };
          return { items: page.executions, nextToken: page.nextToken };
        });
        return executions.map((execution) => summary(machine, execution));
      }),
  );
  const express = states.expressExecutions().map(
    (execution): ExecutionSummary => ({
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      stateMachineName: machines.find((machine) => machine.stateMachineArn === execution.stateMachineArn)?.name ?? execution.stateMachineArn.split(':').pop()!,
      name: execution.name,
      status: execution.status,
      startDate: Date.parse(execution.startDate),
      ...(execution.stopDate !== undefined && { stopDate: Date.parse(execution.stopDate) }),
    }),
  );
  return [...perMachine.flat(), ...express].sort((a, b) => b.startDate - a.startDate);
}

/** The API's dates are epoch seconds (with fractions); the page wants milliseconds. */
function summary(machine: MachineItem, execution: ExecutionItem): ExecutionSummary {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: machine.stateMachineArn,
    stateMachineName: machine.name,
    name: execution.name,
    status: execution.status,
    startDate: Math.round(execution.startDate * 1000),
    ...(execution.stopDate !== undefined && { stopDate: Math.round(execution.stopDate * 1000) }),
  };
}

/**
 * The executions of one order's sagas. Each service names its execution after the order (`<orderId>`, `pay-<orderId>`,
 * `reserve-…`, `refund-…`, `release-…`, `notify-<orderId>-…`); the input is checked too, for any saga that does not.
 */
export async function executionsOfOrder(states: StepFunctionsService, orderId: string): Promise<ExecutionSummary[]> {
  const all = await listExecutions(states);
  const matches = await Promise.all(
    all.map(async (execution) => {
      if (execution.name.includes(orderId)) return true;
      // DescribeExecution refuses an Express execution; the emulator's own view has its input.
      const { input } = execution.executionArn.includes(':express:')
        ? states.getExecutionGraph(execution.executionArn)
        : ((await states.dispatch('DescribeExecution', { executionArn: execution.executionArn })) as { input?: string });
      return input?.includes(orderId) ?? false;
    }),
  );
  return all.filter((_, index) => matches[index]);
}
