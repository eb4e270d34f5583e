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

it('inventory runs its two sagas as Express workflows, notifications its one', () => {
  expect(expressMachines.map(({ service, id }) => `${service} ${id}`).sort()).toEqual(['inventory ReleaseSaga', 'inventory ReservationSaga', 'notifications NotificationSaga']);
});

it('the notification claim outlasts every run that can hold it: the execution, and a SendEmail started at its very end', () => {
  const { machine, resources } = expressMachines.find((m) => m.id === 'NotificationSaga')!;
  const sendEmailTimeout = resources.SendEmailLambdaFunction!.Properties.Timeout as number;
  expect(CLAIM_LEASE_SECONDS).toBeGreaterThan(timeoutSecondsOf(machine)! + sendEmailTimeout);
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
