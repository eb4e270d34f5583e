import { listServices } from '../../scripts/package-services';
import { CLAIM_LEASE_SECONDS } from '../../services/notifications/src/domain/claim';
import { packagedResources, type CfnResource } from './services';

/**
 * Every Express state machine of the packaged templates is run the way its recovery needs: to its end by a consumer
 * (StartSyncExecution, never an asynchronous StartExecution, whose failure nothing would keep: Express executions send
 * no status-change events and cannot be redriven), within a timeout that the consumer outlasts and that ends before
 * Lambda's last retry of a duplicate delivery (one minute, then two more: 180 s), and routed by no FailedSagasRule.
 * https://docs.aws.amazon.com/step-functions/latest/dg/express-at-least-once-execution.html
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */
const LAST_ASYNC_RETRY_SECONDS = 60 + 120;
const EXPRESS_MAX_SECONDS = 300;

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const actionsOf = (statement: Statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);
const refersTo = (value: unknown, id: string) => JSON.stringify(value).includes(`{"Ref":"${id}"}`);

/** The functions whose role may call `action` on the state machine `id`, with their timeout. */
function callers(resources: Record<string, CfnResource>, id: string, action: string): Array<{ fn: string; timeout: number }> {
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .filter(([, fn]) => {
      const roleId = fn.Properties.Role?.['Fn::GetAtt']?.[0] as string | undefined;
      const policies: Array<{ PolicyDocument: { Statement: Statement[] } }> = (roleId && resources[roleId]?.Properties.Policies) || [];
      return policies.some((policy) => policy.PolicyDocument.Statement.some((s) => s.Effect === 'Allow' && actionsOf(s).includes(action) && refersTo(s.Resource, id)));
    })
    .map(([fn, r]) => ({ fn, timeout: r.Properties.Timeout as number }));
}

/** The definition's top-level TimeoutSeconds (serverless-step-functions writes it as Fn::Sub text). */
function timeoutSecondsOf(machine: CfnResource): number | undefined {
  const text = machine.Properties.DefinitionString?.['Fn::Sub']?.[0] ?? machine.Properties.DefinitionString;
  return JSON.parse(String(text)).TimeoutSeconds;
}

const expressMachines = listServices().flatMap((service) => {
  const resources = packagedResources(service);
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && r.Properties.StateMachineType === 'EXPRESS')
    .map(([id, machine]) => ({ service, id, machine, resources }));
});

it('inventory runs its two sagas as Express workflows, notifications its one, and payments its payment saga', () => {
  expect(expressMachines.map(({ service, id }) => `${service} ${id}`).sort()).toEqual(['inventory ReleaseSaga', 'inventory ReservationSaga', 'notifications NotificationSaga', 'payments PaymentSaga']);
});

it('the notification claim outlasts every run that can hold it: the execution, and a SendEmail started at its very end', () => {
  const { machine, resources } = expressMachines.find((m) => m.id === 'NotificationSaga')!;
  const sendEmailTimeout = resources.SendEmailLambdaFunction!.Properties.Timeout as number;
  expect(CLAIM_LEASE_SECONDS).toBeGreaterThan(timeoutSecondsOf(machine)! + sendEmailTimeout);
});

/** The Task states of a packaged definition, and the Fn::Sub variables its `${…}` placeholders stand for. */
function tasksOf(machine: CfnResource): Array<{ name: string; state: Record<string, any>; variables: Record<string, unknown> }> {
  const sub = machine.Properties.DefinitionString?.['Fn::Sub'];
  const definition = JSON.parse(String(sub?.[0] ?? machine.Properties.DefinitionString));
  return Object.entries(definition.States as Record<string, Record<string, any>>)
    .filter(([, state]) => state.Type === 'Task')
    .map(([name, state]) => ({ name, state, variables: sub?.[1] ?? {} }));
}

describe('payments: what outlasts five minutes is left to a Standard saga', () => {
  const resources = packagedResources('payments');
  const starts = tasksOf(resources.PaymentSaga!).filter(({ state }) => String(state.Resource).includes(':states:::states:'));
  const releaseArn = { 'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:${resources.PaymentReleaseSaga!.Properties.StateMachineName}` };

  it('the payment saga starts only the payment-release saga, by a name derived from the order, never waiting for it', () => {
    expect(starts.map(({ name }) => name).sort()).toEqual(['ReleaseAfterError', 'ReleaseCancelled']);
    for (const { name, state, variables } of starts) {
      // Not .sync (refused by Express, and it would wait past five minutes): the Request Response pattern only.
      expect({ name, resource: state.Resource }).toEqual({ name, resource: 'arn:aws:states:::states:startExecution' });
      const placeholder = /^\$\{(\w+)\}$/.exec(state.Parameters.StateMachineArn)?.[1];
      expect({ name, target: placeholder && variables[placeholder] }).toEqual({ name, target: releaseArn });
      // One release per payment: a second start by the same name finds it (StepFunctions.ExecutionAlreadyExists).
      expect({ name, executionName: state.Parameters['Name.$'] }).toEqual({ name, executionName: "States.Format('release-{}', $.orderId)" });
      expect(state.Catch.flatMap((c: { ErrorEquals: string[] }) => c.ErrorEquals)).toContain('StepFunctions.ExecutionAlreadyExists');
    }
  });

  it('the payment-release saga is Standard, routed by FailedSagasRule, and started by the payment saga alone', () => {
    expect(resources.PaymentReleaseSaga!.Properties.StateMachineType).toBe('STANDARD');
    expect(refersTo(resources.FailedSagasRule!.Properties.EventPattern, 'PaymentReleaseSaga')).toBe(true);
    expect(callers(resources, 'PaymentReleaseSaga', 'states:StartExecution')).toEqual([]);
    const machineRole = resources[resources.PaymentSaga!.Properties.RoleArn['Fn::GetAtt'][0]]!;
    const statements: Statement[] = machineRole.Properties.Policies.flatMap((policy: { PolicyDocument: { Statement: Statement[] } }) => policy.PolicyDocument.Statement);
    expect(statements.filter((s) => actionsOf(s).includes('states:StartExecution')).map((s) => s.Resource)).toEqual([[releaseArn]]);
    // No Step Functions action on every resource (a Ref as StateMachineArn would make serverless-step-functions grant
    // DescribeExecution and StopExecution on "*").
    expect(statements.filter((s) => actionsOf(s).some((action) => action.startsWith('states:')) && JSON.stringify(s.Resource).includes('"*"'))).toEqual([]);
  });

  it("the payment-release saga's compensation retries for about an hour, past Express's five minutes", () => {
    const release = tasksOf(resources.PaymentReleaseSaga!).find(({ name }) => name === 'Release')!;
    const outage = release.state.Retry.find((r: { ErrorEquals: string[] }) => r.ErrorEquals.includes('ProviderUnavailable'));
    expect(outage).toMatchObject({ MaxAttempts: 30, MaxDelaySeconds: 300 });
  });
});

describe.each(expressMachines.map((m) => [`${m.service} ${m.id}`, m] as const))('Express %s', (_, { id, machine, resources }) => {
  it('ends within Express five minutes and before the last retry of a duplicate delivery', () => {
    const timeout = timeoutSecondsOf(machine);
    expect(timeout).toBeDefined();
    expect(timeout!).toBeLessThanOrEqual(EXPRESS_MAX_SECONDS);
    expect(timeout!).toBeLessThan(LAST_ASYNC_RETRY_SECONDS);
  });

  it('is run to its end by consumers that outlast it, and started asynchronously by nobody', () => {
    const sync = callers(resources, id, 'states:StartSyncExecution');
    expect(sync.length).toBeGreaterThan(0);
    for (const { fn, timeout } of sync) expect({ fn, outlasts: timeout > timeoutSecondsOf(machine)! }).toEqual({ fn, outlasts: true });
    expect(callers(resources, id, 'states:StartExecution')).toEqual([]);
  });

  it('is routed by no rule on status-change events (Express sends none)', () => {
    const rules = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Events::Rule' && refersTo(r.Properties.EventPattern, id));
    expect(rules.map(([rule]) => rule)).toEqual([]);
  });
});
