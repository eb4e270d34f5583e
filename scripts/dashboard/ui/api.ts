/** The dashboard API, as the page calls it (same origin: the emulator's endpoint). */
import type { ActivityPage, ApiAnswer, DlqView, ExecutionSummary, ExecutionView, MonitoringView, OrderDetail, OrdersPage, RedriveReportView } from '../api-types';

const API = 'api';

async function call<T>(method: 'GET' | 'POST', name: string, query: Record<string, string> = {}, body?: unknown): Promise<T> {
  const search = new URLSearchParams(query).toString();
  const response = await fetch(`${API}/${name}${search ? `?${search}` : ''}`, {
    method,
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as T & { message?: string };
  if (!response.ok) throw new Error(answer.message ?? `HTTP ${response.status}`);
  return answer;
}

/** A schedule rule or an EventBridge Scheduler schedule, as the emulator lists them (`GET /_local/schedules`). */
export interface ScheduleView {
  kind: 'rule' | 'schedule';
  name: string;
  group?: string;
  arn: string;
  scheduleExpression: string;
  timezone: string;
  state: string;
  targets: string[];
  nextFireAt?: string;
}

/** The emulator's own schedule routes (not the dashboard API): the same a test uses to fire a schedule by hand. */
async function local<T>(method: 'GET' | 'POST', path: string): Promise<T> {
  const response = await fetch(path, { method });
  const answer = (await response.json()) as T & { message?: string };
  if (!response.ok) throw new Error(answer.message ?? `HTTP ${response.status}`);
  return answer;
}

export const api = {
  activity: (after: number) => call<ActivityPage>('GET', 'activity', { after: String(after) }),
  orders: () => call<OrdersPage>('GET', 'orders'),
  order: (orderId: string) => call<OrderDetail>('GET', 'order', { orderId }),
  placeOrder: (body: unknown) => call<ApiAnswer>('POST', 'orders', {}, body),
  setStock: (sku: string, available: number) => call<ApiAnswer>('POST', 'stock', { sku }, { available }),
  executions: () => call<{ executions: ExecutionSummary[] }>('GET', 'executions'),
  execution: (executionArn: string) => call<ExecutionView>('GET', 'execution', { executionArn }),
  dlqs: () => call<{ queues: DlqView[] }>('GET', 'dlqs'),
  redrive: (queueUrl: string) => call<RedriveReportView>('POST', 'redrive', { queueUrl }),
  monitoring: () => call<MonitoringView>('GET', 'monitoring'),
  schedules: () => local<{ schedules: ScheduleView[] }>('GET', '/_local/schedules'),
  fireSchedule: (schedule: Pick<ScheduleView, 'name' | 'kind' | 'group'>) =>
    local<{ kind: string; arn: string; id: string }>('POST', `/_local/schedules/fire?${new URLSearchParams({ name: schedule.name, kind: schedule.kind, ...(schedule.group ? { group: schedule.group } : {}) })}`),
};
