import type { Cloud } from '../cloud';
import {
  EXTRA_PERIODS_IN_RANGE,
  evaluateAlarm,
  formatReasonTime,
  type AlarmCondition,
  type AlarmState,
  type Evaluation,
  type PeriodValue,
} from './alarm-evaluation';
import { statisticOf, type Dimension, type MetricStore } from './metric-store';

/**
 * Metric alarms: their configuration and state, their history, their evaluation on a timer and the notifications a
 * state change sends to the alarm's SNS topics. Periods are AWS time: an alarm's Period is scaled by cloud.timeScale,
 * so a 60 s alarm evaluates 60 ms periods at 0.001. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 */

export interface MetricAlarm extends AlarmCondition {
  name: string;
  arn: string;
  description?: string;
  actionsEnabled: boolean;
  okActions: string[];
  alarmActions: string[];
  insufficientDataActions: string[];
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  unit?: string;
  state: AlarmState;
  stateReason: string;
  stateReasonData?: string;
  /** Epoch ms. */
  stateUpdated: number;
  configurationUpdated: number;
  tags: Array<{ Key: string; Value: string }>;
}

export type HistoryItemType = 'ConfigurationUpdate' | 'StateUpdate' | 'Action';

export interface AlarmHistoryItem {
  alarmName: string;
  timestamp: number;
  type: HistoryItemType;
  summary: string;
  data: string;
}

/** AWS's display names of the regions, as alarm notifications and their subjects print them. */
const REGION_NAMES: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)',
  'eu-west-1': 'EU (Ireland)',
  'eu-west-2': 'EU (London)',
  'eu-west-3': 'EU (Paris)',
  'eu-central-1': 'EU (Frankfurt)',
  'eu-north-1': 'EU (Stockholm)',
  'ap-southeast-1': 'Asia Pacific (Singapore)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
};

/** Past this many items the oldest history is forgotten (AWS keeps two weeks of it). */
const MAX_HISTORY_ITEMS = 10_000;
/** How often (AWS time) the timer looks for alarms with a period to evaluate: the shortest alarm period. */
const TICK_MS = 10_000;
/** The timer never runs more often than this (real ms), however small the time scale. */
const MIN_TICK_REAL_MS = 20;

export class Alarms {
  private readonly alarms = new Map<string, MetricAlarm>();
  private readonly history: AlarmHistoryItem[] = [];
  /** The last period (index of periodMs since the epoch) each alarm was evaluated for. */
  private readonly evaluatedPeriod = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private readonly onTick: Array<(now: number) => void> = [];
  private readonly notifications = new Set<Promise<void>>();

  constructor(
    private readonly cloud: Cloud,
    private readonly store: MetricStore,
  ) {}

  /** Starts the evaluation timer; `alsoOnTick` runs on every tick first (the gauge sampling). */
  start(alsoOnTick?: (now: number) => void): void {
    if (alsoOnTick) this.onTick.push(alsoOnTick);
    const interval = Math.max(MIN_TICK_REAL_MS, TICK_MS * this.cloud.timeScale);
    this.timer = setInterval(() => this.tick(Date.now()), interval);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Resolves once every notification sent so far was published. */
  async settled(): Promise<void> {
    while (this.notifications.size > 0) await Promise.allSettled([...this.notifications]);
  }

  get(name: string): MetricAlarm | undefined {
    return this.alarms.get(name);
  }

  list(): MetricAlarm[] {
    return [...this.alarms.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  historyItems(): readonly AlarmHistoryItem[] {
    return this.history;
  }

  /** PutMetricAlarm: a new alarm starts in INSUFFICIENT_DATA; an update overwrites the configuration and keeps the state. */
  put(config: Omit<MetricAlarm, 'state' | 'stateReason' | 'stateReasonData' | 'stateUpdated' | 'configurationUpdated'>): void {
    const now = Date.now();
    const existing = this.alarms.get(config.name);
    const alarm: MetricAlarm = existing
      ? { ...existing, ...config, configurationUpdated: now }
      : { ...config, state: 'INSUFFICIENT_DATA', stateReason: 'Unchecked: Initial alarm creation', stateUpdated: now, configurationUpdated: now };
    this.alarms.set(alarm.name, alarm);
    if (existing) this.evaluatedPeriod.delete(alarm.name);
    this.addHistory(alarm.name, 'ConfigurationUpdate', `Alarm "${alarm.name}" ${existing ? 'updated' : 'created'}`, {
      version: '1.0',
      type: existing ? 'Update' : 'Create',
      [existing ? 'updatedAlarm' : 'createdAlarm']: configurationView(alarm),
    });
    this.cloud.record({ service: 'cloudwatch', type: existing ? 'alarm.updated' : 'alarm.created', alarmName: alarm.name, state: alarm.state });
  }

  delete(names: string[]): void {
    for (const name of names) {
      this.alarms.delete(name);
      this.evaluatedPeriod.delete(name);
      this.addHistory(name, 'ConfigurationUpdate', `Alarm "${name}" deleted`, { version: '1.0', type: 'Delete' });
      this.cloud.record({ service: 'cloudwatch', type: 'alarm.deleted', alarmName: name });
    }
  }

  setActionsEnabled(names: string[], enabled: boolean): void {
    for (const name of names) {
      const alarm = this.alarms.get(name);
      if (alarm) alarm.actionsEnabled = enabled;
    }
  }

  /** SetAlarmState: the state is set as given (its actions run) until the next evaluation finds the real one. */
  setState(alarm: MetricAlarm, state: AlarmState, reason: string, reasonData?: string): void {
    this.transition(alarm, { state, reason, reasonData: reasonData ?? '' }, Date.now());
  }

  /** Evaluates every alarm one of whose periods ended since its last evaluation. */
  tick(now: number): void {
    for (const run of this.onTick) run(now);
    for (const alarm of this.alarms.values()) {
      const periodMs = alarm.periodSeconds * 1000 * this.cloud.timeScale;
      const period = Math.floor(now / periodMs);
      if (this.evaluatedPeriod.get(alarm.name) === period) continue;
      this.evaluatedPeriod.set(alarm.name, period);
      this.evaluate(alarm, period * periodMs, periodMs);
    }
  }

  /** Evaluates `alarm` on the complete periods before `end` (epoch ms). */
  private evaluate(alarm: MetricAlarm, end: number, periodMs: number): void {
    const count = alarm.evaluationPeriods + EXTRA_PERIODS_IN_RANGE;
    const start = end - count * periodMs;
    const aggregates = this.store.aggregate(alarm, { start, end, periodMs, unit: alarm.unit });
    const byStart = new Map(aggregates.map((aggregate) => [aggregate.timestamp, aggregate]));
    const periods: Array<PeriodValue | undefined> = [];
    for (let index = 1; index <= count; index++) {
      const aggregate = byStart.get(end - index * periodMs);
      periods.push(aggregate && { timestamp: aggregate.timestamp, value: statisticOf(aggregate, alarm.statistic), sampleCount: aggregate.sampleCount });
    }
    const evaluation = evaluateAlarm(alarm, periods, Date.now());
    if (evaluation && evaluation.state !== alarm.state) this.transition(alarm, evaluation, Date.now());
  }

  private transition(alarm: MetricAlarm, evaluation: Evaluation, now: number): void {
    const old = { stateValue: alarm.state, stateReason: alarm.stateReason };
    const changed = evaluation.state !== alarm.state;
    alarm.state = evaluation.state;
    alarm.stateReason = evaluation.reason;
    alarm.stateReasonData = evaluation.reasonData || undefined;
    alarm.stateUpdated = now;
    this.addHistory(alarm.name, 'StateUpdate', `Alarm updated from ${old.stateValue} to ${alarm.state}`, {
      version: '1.0',
      oldState: old,
      newState: { stateValue: alarm.state, stateReason: alarm.stateReason, ...(evaluation.reasonData ? { stateReasonData: JSON.parse(evaluation.reasonData) } : {}) },
    });
    this.cloud.record({ service: 'cloudwatch', type: 'alarm.state-changed', alarmName: alarm.name, oldState: old.stateValue, state: alarm.state, reason: alarm.stateReason });
    if (!changed || !alarm.actionsEnabled) return;
    const actions = { ALARM: alarm.alarmActions, OK: alarm.okActions, INSUFFICIENT_DATA: alarm.insufficientDataActions }[alarm.state];
    for (const action of actions) this.runAction(alarm, action, old.stateValue, now);
  }

  /** An SNS action publishes the notification; other actions (Auto Scaling, EC2, Systems Manager) are not emulated. */
  private runAction(alarm: MetricAlarm, action: string, oldState: AlarmState, now: number): void {
    if (action.split(':')[2] !== 'sns') {
      this.addHistory(alarm.name, 'Action', `Failed to execute action ${action}`, { actionState: 'Failed', notificationResource: action, error: 'only SNS actions are emulated locally' });
      return;
    }
    const message = this.notification(alarm, oldState, now);
    const subject = `${alarm.state}: "${alarm.name}" in ${this.regionName()}`.slice(0, 100);
    const sent = this.cloud.sns
      .publish({ topicArn: action, subject, message: JSON.stringify(message) })
      .then(
        () => this.addHistory(alarm.name, 'Action', `Successfully executed action ${action}`, { actionState: 'Succeeded', stateUpdateTimestamp: now, notificationResource: action, publishedMessage: message }),
        (error: unknown) => this.addHistory(alarm.name, 'Action', `Failed to execute action ${action}`, { actionState: 'Failed', notificationResource: action, error: String(error) }),
      )
      .finally(() => this.notifications.delete(sent));
    this.notifications.add(sent);
  }

  /** The JSON message CloudWatch publishes to an alarm's SNS topic. */
  private notification(alarm: MetricAlarm, oldState: AlarmState, now: number) {
    return {
      AlarmName: alarm.name,
      AlarmDescription: alarm.description ?? null,
      AWSAccountId: this.cloud.accountId,
      AlarmConfigurationUpdatedTimestamp: formatReasonTime(alarm.configurationUpdated),
      NewStateValue: alarm.state,
      NewStateReason: alarm.stateReason,
      StateChangeTime: formatReasonTime(now),
      Region: this.regionName(),
      AlarmArn: alarm.arn,
      OldStateValue: oldState,
      OKActions: alarm.okActions,
      AlarmActions: alarm.alarmActions,
      InsufficientDataActions: alarm.insufficientDataActions,
      Trigger: {
        MetricName: alarm.metricName,
        Namespace: alarm.namespace,
        StatisticType: 'Statistic',
        Statistic: alarm.statistic.toUpperCase(),
        Unit: alarm.unit ?? null,
        Dimensions: alarm.dimensions.map((dimension) => ({ value: dimension.Value, name: dimension.Name })),
        Period: alarm.periodSeconds,
        EvaluationPeriods: alarm.evaluationPeriods,
        DatapointsToAlarm: alarm.datapointsToAlarm,
        ComparisonOperator: alarm.comparisonOperator,
        Threshold: alarm.threshold,
        TreatMissingData: alarm.treatMissingData,
        EvaluateLowSampleCountPercentile: '',
      },
    };
  }

  private regionName(): string {
    return REGION_NAMES[this.cloud.region] ?? this.cloud.region;
  }

  private addHistory(alarmName: string, type: HistoryItemType, summary: string, data: unknown): void {
    this.history.push({ alarmName, timestamp: Date.now(), type, summary, data: JSON.stringify(data) });
    if (this.history.length > MAX_HISTORY_ITEMS) this.history.splice(0, this.history.length - MAX_HISTORY_ITEMS);
  }
}

function configurationView(alarm: MetricAlarm) {
  return {
    alarmName: alarm.name,
    alarmArn: alarm.arn,
    namespace: alarm.namespace,
    metricName: alarm.metricName,
    dimensions: alarm.dimensions.map((dimension) => ({ name: dimension.Name, value: dimension.Value })),
    statistic: alarm.statistic,
    period: alarm.periodSeconds,
    evaluationPeriods: alarm.evaluationPeriods,
    datapointsToAlarm: alarm.datapointsToAlarm,
    threshold: alarm.threshold,
    comparisonOperator: alarm.comparisonOperator,
    treatMissingData: alarm.treatMissingData,
    actionsEnabled: alarm.actionsEnabled,
  };
}
