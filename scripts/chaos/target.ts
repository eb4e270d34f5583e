/**
 * What the chaos run drives and reads: the whole system in this process (tests/support/system.ts), or a running
 * `npm start` (its HTTP APIs and the emulator's endpoint). Both are read the same way wherever they can be: tables,
 * sagas and queues through the AWS SDK, the fault plan through the emulator's /_local/faults; only what has no AWS API
 * differs (activity, captured e-mails, dead-letter queues).
 */
import type { CloudActivity } from '../../libs/local-cloud/src/cloud';
import type { FaultSnapshot, LocalCloud, SentEmail } from '../../libs/local-cloud/src';
import { SENT_EMAILS_PATH } from '../../libs/local-cloud/src/ses/ses-rest';
import { createBusTap, type AwsClientConfig, type BusEvent, type BusTap } from '../../tests/support/bus-tap';
import { setOutcomeTimeout, startSystem } from '../../tests/support/system';
import { eventKeys, isTimelineActivity } from '../dashboard/activity-log';
import type { ActivityPage, DlqView, LoggedActivity } from '../dashboard/api-types';
import { deadLetterQueues, redrive } from '../dashboard/dlqs';
import { BASE_PATH } from '../dashboard/http';
import type { RedriveReport } from '../redrive-dlq';
import type { SystemNames } from './system-names';

export interface HttpAnswer {
  status: number;
  text: string;
}

export interface ChaosTarget {
  /** Where it runs, for the report. */
  description: string;
  aws: AwsClientConfig;
  /** A request to the shop's HTTP API, as a client sends it. */
  http(method: string, path: string, body?: string, headers?: Record<string, string>): Promise<HttpAnswer>;
  /** The cloud's activity seen so far (the dashboard's timeline kinds, injected faults included), oldest first. */
  activity(): LoggedActivity[];
  /** Calls `listener` with each activity entry from now on; returns how to stop. */
  onActivity(listener: (entry: LoggedActivity) => void): () => void;
  busEvents(): Promise<BusEvent[]>;
  emails(): Promise<SentEmail[]>;
  deadLetterQueues(): Promise<DlqView[]>;
  redrive(queueUrl: string): Promise<RedriveReport>;
  /** Replaces the emulator's fault plan (`none` clears it). */
  setFaults(plan: string): Promise<void>;
  /** The plan in force and how many faults of each kind it injected so far. */
  faults(): Promise<FaultSnapshot>;
  /** Waits for the work under way to finish where that can be known (in-process), else a short pause. */
  settle(): Promise<void>;
  /** What this target could not see, for the report. */
  notes(): string[];
  stop(): Promise<void>;
}

/** The fault plan over the emulator's HTTP API, the same in both modes. */
function faultsOver(emulatorUrl: string): Pick<ChaosTarget, 'setFaults' | 'faults'> {
  const url = `${emulatorUrl}/_local/faults`;
  return {
    async setFaults(plan) {
      // The route takes the plan's JSON form, or its string form as a JSON string; `{}` turns every fault off.
      const response = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(plan === 'none' ? {} : plan) });
      if (!response.ok) throw new Error(`PUT /_local/faults answered ${response.status}: ${await response.text()}`);
    },
    async faults() {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`GET /_local/faults answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as FaultSnapshot;
    },
  };
}

/**
 * The whole system in this process. `outcomeTimeoutSeconds` (AWS seconds, scaled by `timeScale`), when given, replaces
 * the order saga's packaged outcome timeout.
 */
export async function inProcessTarget(options: { timeScale: number; outcomeTimeoutSeconds?: number }): Promise<ChaosTarget & { local: LocalCloud }> {
  const system = await startSystem({ timeScale: options.timeScale });
  if (options.outcomeTimeoutSeconds !== undefined) setOutcomeTimeout(system.local, options.outcomeTimeoutSeconds);
  const { local } = system;
  const seen: LoggedActivity[] = [];
  const listeners = new Set<(entry: LoggedActivity) => void>();
  const listener = (activity: CloudActivity) => {
    if (!isTimelineActivity(activity)) return;
    const entry: LoggedActivity = { ...activity, seq: seen.length + 1, ...(activity.type === 'event.received' && eventKeys(activity.detail)) };
    seen.push(entry);
    for (const l of listeners) l(entry);
  };
  local.cloud.monitor.on('activity', listener);
  return {
    description: `in-process (time scale ${options.timeScale})`,
    local,
    aws: system.aws,
    async http(method, path, body, headers = {}) {
      const answer = await local.http.handle({ method, url: path, headers: { 'content-type': 'application/json', ...headers }, body });
      return { status: answer.status, text: String(answer.body) };
    },
    activity: () => seen,
    onActivity(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    busEvents: () => system.busEvents(),
    emails: async () => local.ses.listSentEmails(),
    deadLetterQueues: () => deadLetterQueues(local),
    redrive: (queueUrl) => redrive(local, queueUrl),
    ...faultsOver(local.url),
    settle: () => system.settle(),
    notes: () => [],
    async stop() {
      local.cloud.monitor.off('activity', listener);
      await system.stop();
    },
  };
}

/**
 * A running `npm start`: the HTTP APIs at `apiUrl`, the emulator at `emulatorUrl`. Activity comes from the dashboard's
 * timeline (a ring of the latest entries), read continuously; entries overwritten before they were read are counted.
 */
export async function remoteTarget(options: { apiUrl: string; emulatorUrl: string; names: SystemNames; runId: string }): Promise<ChaosTarget> {
  const { apiUrl, emulatorUrl } = options;
  const alive = await fetch(`${emulatorUrl}${BASE_PATH}/api/activity?after=0`).catch((error: unknown) => error as Error);
  if (alive instanceof Error || !alive.ok) {
    throw new Error(`the emulator's dashboard does not answer at ${emulatorUrl}${BASE_PATH}: start the stack with \`npm start\` first`);
  }
  const aws: AwsClientConfig = { endpoint: emulatorUrl, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const tap: BusTap = await createBusTap(aws, options.names.bus, `chaos-tap-${options.runId}`);
  const getJson = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(`${emulatorUrl}${path}`, init);
    if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };

  // Only activity from now on is this run's: start after the latest entry.
  let after = (await getJson<ActivityPage>(`${BASE_PATH}/api/activity?after=0`)).lastSeq;
  const seen: LoggedActivity[] = [];
  const listeners = new Set<(entry: LoggedActivity) => void>();
  let missed = 0;
  const poll = async () => {
    for (;;) {
      const page = await getJson<ActivityPage>(`${BASE_PATH}/api/activity?after=${after}`);
      if (page.firstSeq > after + 1) missed += page.firstSeq - after - 1;
      seen.push(...page.activities);
      for (const entry of page.activities) for (const l of listeners) l(entry);
      if (page.activities.length === 0) return;
      after = page.activities.at(-1)!.seq;
    }
  };
  let polling = true;
  const poller = (async () => {
    while (polling) {
      await poll().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();

  return {
    description: `against ${apiUrl} (emulator ${emulatorUrl})`,
    aws,
    async http(method, path, body, headers = {}) {
      const response = await fetch(`${apiUrl}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body });
      return { status: response.status, text: await response.text() };
    },
    activity: () => seen,
    onActivity(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    busEvents: () => tap.events(),
    emails: async () => (await getJson<{ emails: SentEmail[] }>(SENT_EMAILS_PATH)).emails,
    deadLetterQueues: async () => (await getJson<{ queues: DlqView[] }>(`${BASE_PATH}/api/dlqs`)).queues,
    redrive: (queueUrl) => getJson<RedriveReport>(`${BASE_PATH}/api/redrive?queueUrl=${encodeURIComponent(queueUrl)}`, { method: 'POST' }),
    ...faultsOver(emulatorUrl),
    async settle() {
      await new Promise((resolve) => setTimeout(resolve, 250));
      await poll();
    },
    notes: () => [
      ...(missed > 0 ? [`${missed} activity entries were overwritten in the dashboard's timeline before they were read: traces may lack them`] : []),
      'under --against the order saga keeps its packaged outcome timeout (the emulator serves no update-function-configuration)',
    ],
    async stop() {
      polling = false;
      await poller;
      await tap.remove().catch(() => undefined);
      tap.destroy();
    },
  };
}
