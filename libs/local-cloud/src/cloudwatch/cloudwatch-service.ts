import type { Cloud, CloudActivity, CloudWatchApi } from '../cloud';
import { AwsError } from '../errors';
import { ALARM_STATES, COMPARISON_OPERATORS, TREAT_MISSING_DATA } from './alarm-evaluation';
import { Alarms, type AlarmHistoryItem, type HistoryItemType, type MetricAlarm } from './alarms';
import { AwsMetrics, type AwsDatum, type QueueGauge } from './aws-metrics';
import { EmfError, looksLikeEmf, parseEmf } from './emf';
import {
  invalidNextToken,
  invalidParameterCombination,
  invalidParameterValue,
  missingParameter,
  notEmulated,
  oneOf,
  optionalBoolean,
  optionalList,
  optionalNumber,
  optionalString,
  optionalTime,
  requiredNumber,
  requiredString,
  requiredTime,
  resourceNotFound,
} from './input';
import { metricKey, MetricStore, STATISTICS, statisticOf, statisticSetOf, type Dimension, type MetricIdentity, type Statistic, type StatisticSet } from './metric-store';

/**
 * Amazon CloudWatch: metric data (PutMetricData, the AWS services' own metrics, EMF lines from functions), queries
 * (GetMetricData, GetMetricStatistics, ListMetrics) and metric alarms with their history. `dispatch` takes the JSON
 * protocol's operations and shapes (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/); the query
 * protocol's string members are coerced on the way in (input.ts).
 */

const UNITS = [
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits', 'Gigabits',
  'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second',
  'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
] as const;
const MAX_DIMENSIONS = 30;
/** GetMetricStatistics answers at most 1,440 datapoints (API_GetMetricStatistics). */
const MAX_STATISTICS_DATAPOINTS = 1440;
/** How often (AWS time) SQS reports its gauges: once a minute. */
const GAUGE_INTERVAL_MS = 60_000;
const LIST_METRICS_PAGE = 500;
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;

export interface CloudWatchOptions {
  /** The queues' depths, sampled once a minute (AWS time) as AWS/SQS gauges. */
  queueGauges?: () => QueueGauge[];
}

export class CloudWatchService implements CloudWatchApi {
  readonly store = new MetricStore();
  readonly alarms: Alarms;
  /** When the emulator started (epoch ms): where "the run" of the dashboard's charts begins. */
  readonly startedAt = Date.now();
  private readonly awsMetrics = new AwsMetrics();
  private readonly observe = (activity: CloudActivity) => this.putAws(this.awsMetrics.of(activity), Date.parse(activity.time));
  private lastGaugePeriod?: number;

  constructor(
    private readonly cloud: Cloud,
    private readonly options: CloudWatchOptions = {},
  ) {
    this.alarms = new Alarms(cloud, this.store);
    // Alarms are billed per alarm-month (https://aws.amazon.com/cloudwatch/pricing/): the meter reports those that exist.
    cloud.usage.watchAlarms(() => this.alarms.list().map((alarm) => alarm.name));
    cloud.monitor.on('activity', this.observe);
    this.alarms.start((now) => this.sampleGauges(now));
  }

  stop(): void {
    this.cloud.monitor.off('activity', this.observe);
    this.alarms.stop();
  }

  dispatch(operation: string, input: any): Promise<unknown> {
    const handler = this.operations[operation];
    if (!handler) return Promise.reject(new AwsError('InvalidAction', `CloudWatch operation ${operation} is not supported by the local emulator`, 400, 'InvalidAction'));
    return Promise.resolve().then(() => handler(input ?? {}));
  }

  /** `CloudWatchApi`: a function's log line; an EMF document's metrics are stored, an invalid one is recorded and dropped. */
  putLogLine(line: string): number {
    if (!looksLikeEmf(line)) return 0;
    try {
      return this.putEmf(line);
    } catch (error) {
      if (!(error instanceof EmfError)) throw error;
      this.cloud.record({ service: 'cloudwatch', type: 'emf.rejected', reason: error.message });
      return 0;
    }
  }

  /** One EMF document's metrics; throws EmfError for an invalid one. */
  putEmf(line: string): number {
    const values = parseEmf(line);
    for (const value of values) this.putCustom(value.identity, value.timestamp, statisticSetOf(value.values), value.unit);
    return values.length;
  }

  private putAws(data: AwsDatum[], timestamp: number): void {
    for (const datum of data) this.store.put(datum, timestamp, statisticSetOf([datum.value]), datum.unit);
  }

  private sampleGauges(now: number): void {
    if (!this.options.queueGauges) return;
    const period = Math.floor(now / (GAUGE_INTERVAL_MS * this.cloud.timeScale));
    if (period === this.lastGaugePeriod) return;
    this.lastGaugePeriod = period;
    this.putAws(this.awsMetrics.gauges(this.options.queueGauges()), now);
  }

  private readonly operations: Record<string, (input: any) => unknown> = {
    PutMetricData: (input) => this.putMetricData(input),
    GetMetricStatistics: (input) => this.getMetricStatistics(input),
    GetMetricData: (input) => this.getMetricData(input),
    ListMetrics: (input) => this.listMetrics(input),
    PutMetricAlarm: (input) => this.putMetricAlarm(input),
    DescribeAlarms: (input) => this.describeAlarms(input),
    DescribeAlarmsForMetric: (input) => this.describeAlarmsForMetric(input),
    DescribeAlarmHistory: (input) => this.describeAlarmHistory(input),
    DeleteAlarms: (input) => this.alarms.delete(this.existingAlarms(input.AlarmNames).map((alarm) => alarm.name)),
    SetAlarmState: (input) => this.setAlarmState(input),
    EnableAlarmActions: (input) => this.alarms.setActionsEnabled(this.existingAlarms(input.AlarmNames).map((alarm) => alarm.name), true),
    DisableAlarmActions: (input) => this.alarms.setActionsEnabled(this.existingAlarms(input.AlarmNames).map((alarm) => alarm.name), false),
    ListTagsForResource: (input) => ({ Tags: this.alarmByArn(requiredString('ResourceARN', input.ResourceARN, 1024)).tags }),
  };

  // --- metric data ---

  private putMetricData(input: { Namespace?: unknown; MetricData?: unknown }): void {
    const namespace = requiredString('Namespace', input.Namespace);
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html: AWS/ namespaces are reserved.
    if (namespace.startsWith('AWS/')) throw invalidParameterValue(`The value ${namespace} for parameter Namespace is invalid: namespaces starting with AWS/ are reserved for AWS services.`);
    const data = optionalList('MetricData', input.MetricData, 1000);
    if (data.length === 0) throw missingParameter('MetricData');
    const now = Date.now();
    const parsed = data.map((datum: any, index) => {
      const at = `MetricData.member.${index + 1}`;
      const metricName = requiredString(`${at}.MetricName`, datum?.MetricName);
      const dimensions = dimensionsOf(datum.Dimensions, `${at}.Dimensions`);
      const unit = oneOf(`${at}.Unit`, datum.Unit, UNITS) ?? 'None';
      optionalNumber(`${at}.StorageResolution`, datum.StorageResolution);
      if (datum.StorageResolution !== undefined && ![1, 60].includes(Number(datum.StorageResolution))) throw invalidParameterValue(`${at}.StorageResolution must be 1 or 60.`);
      const timestamp = optionalTime(`${at}.Timestamp`, datum.Timestamp) ?? now;
      const value = optionalNumber(`${at}.Value`, datum.Value);
      const values = optionalList(`${at}.Values`, datum.Values, 150).map((v, i) => requiredNumber(`${at}.Values.member.${i + 1}`, v));
      const counts = optionalList(`${at}.Counts`, datum.Counts, 150).map((c, i) => requiredNumber(`${at}.Counts.member.${i + 1}`, c, { min: 0 }));
      const forms = [value !== undefined, values.length > 0, datum.StatisticValues !== undefined].filter(Boolean).length;
      if (forms !== 1) throw invalidParameterCombination(`${at} must have exactly one of Value, Values or StatisticValues.`);
      if (counts.length > 0 && counts.length !== values.length) throw invalidParameterValue(`${at}.Counts must have as many items as ${at}.Values.`);
      const statistics = datum.StatisticValues
        ? {
            sampleCount: requiredNumber(`${at}.StatisticValues.SampleCount`, datum.StatisticValues.SampleCount, { min: 0 }),
            sum: requiredNumber(`${at}.StatisticValues.Sum`, datum.StatisticValues.Sum),
            minimum: requiredNumber(`${at}.StatisticValues.Minimum`, datum.StatisticValues.Minimum),
            maximum: requiredNumber(`${at}.StatisticValues.Maximum`, datum.StatisticValues.Maximum),
          }
        : statisticSetOf(value !== undefined ? [value] : values, counts.length > 0 ? counts : undefined);
      return { identity: { namespace, metricName, dimensions }, timestamp, statistics, unit };
    });
    for (const datum of parsed) this.putCustom(datum.identity, datum.timestamp, datum.statistics, datum.unit);
  }

  /** A custom metric's value (PutMetricData, EMF): each distinct metric is billed per metric-month. */
  private putCustom(identity: MetricIdentity, timestamp: number, values: StatisticSet, unit: string): void {
    this.store.put(identity, timestamp, values, unit);
    this.cloud.usage.customMetricPut(metricKey(identity));
  }

  private getMetricStatistics(input: any) {
    const identity = identityOf(input, '');
    const start = requiredTime('StartTime', input.StartTime);
    const end = requiredTime('EndTime', input.EndTime);
    if (end <= start) throw invalidParameterValue('The parameter StartTime must be earlier than EndTime.');
    const period = periodOf('Period', input.Period);
    if (input.ExtendedStatistics !== undefined && optionalList('ExtendedStatistics', input.ExtendedStatistics).length > 0) throw notEmulated('ExtendedStatistics (percentiles)');
    const statistics = optionalList('Statistics', input.Statistics, 5).map((name, index) => oneOf(`Statistics.member.${index + 1}`, name, STATISTICS)!);
    if (statistics.length === 0) throw missingParameter('Statistics');
    const unit = oneOf('Unit', input.Unit, UNITS);
    const periodMs = period * 1000;
    const aligned = Math.floor(start / periodMs) * periodMs;
    const requested = Math.ceil((end - aligned) / periodMs);
    if (requested > MAX_STATISTICS_DATAPOINTS) {
      throw invalidParameterCombination(`You have requested up to ${requested} datapoints, which exceeds the limit of ${MAX_STATISTICS_DATAPOINTS}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`);
    }
    const periods = this.store.aggregate(identity, { start: aligned, end, periodMs, unit });
    return {
      Label: identity.metricName,
      Datapoints: periods.map((aggregate) => ({
        Timestamp: new Date(aggregate.timestamp),
        ...Object.fromEntries(statistics.map((statistic) => [statistic, statisticOf(aggregate, statistic)])),
        Unit: aggregate.unit,
      })),
    };
  }

  private getMetricData(input: any) {
    const queries = optionalList('MetricDataQueries', input.MetricDataQueries, 500);
    if (queries.length === 0) throw missingParameter('MetricDataQueries');
    const start = requiredTime('StartTime', input.StartTime);
    const end = requiredTime('EndTime', input.EndTime);
    if (end <= start) throw invalidParameterValue('The parameter StartTime must be earlier than EndTime.');
    const ascending = oneOf('ScanBy', input.ScanBy, ['TimestampDescending', 'TimestampAscending'] as const) === 'TimestampAscending';
    const seen = new Set<string>();
    const results = queries.map((query: any, index) => {
      const at = `MetricDataQueries.member.${index + 1}`;
      const id = requiredString(`${at}.Id`, query?.Id);
      if (!QUERY_ID.test(id)) throw invalidParameterValue(`${at}.Id must start with a lowercase letter and hold only letters, digits and underscores, not ${id}.`);
      if (seen.has(id)) throw invalidParameterValue(`The Id ${id} is used by more than one query.`);
      seen.add(id);
      if (query.Expression !== undefined) throw notEmulated(`${at}.Expression (metric math)`);
      if (!query.MetricStat) throw missingParameter(`${at}.MetricStat`);
      const identity = identityOf(query.MetricStat.Metric ?? {}, `${at}.MetricStat.Metric.`);
      const period = periodOf(`${at}.MetricStat.Period`, query.MetricStat.Period);
      const statistic = statisticNamed(`${at}.MetricStat.Stat`, query.MetricStat.Stat);
      const unit = oneOf(`${at}.MetricStat.Unit`, query.MetricStat.Unit, UNITS);
      const periodMs = period * 1000;
      const aligned = Math.floor(start / periodMs) * periodMs;
      const periods = this.store.aggregate(identity, { start: aligned, end, periodMs, unit });
      if (!ascending) periods.reverse();
      return {
        returned: optionalBoolean(`${at}.ReturnData`, query.ReturnData) ?? true,
        result: {
          Id: id,
          Label: optionalString(`${at}.Label`, query.Label) ?? identity.metricName,
          Timestamps: periods.map((aggregate) => new Date(aggregate.timestamp)),
          Values: periods.map((aggregate) => statisticOf(aggregate, statistic)),
          StatusCode: 'Complete',
          Messages: [],
        },
      };
    });
    return { MetricDataResults: results.filter((entry) => entry.returned).map((entry) => entry.result), Messages: [] };
  }

  private listMetrics(input: any) {
    const filters = optionalList('Dimensions', input.Dimensions, 10).map((filter: any, index) => ({
      Name: requiredString(`Dimensions.member.${index + 1}.Name`, filter?.Name),
      Value: optionalString(`Dimensions.member.${index + 1}.Value`, filter.Value),
    }));
    const recentlyActive = oneOf('RecentlyActive', input.RecentlyActive, ['PT3H'] as const);
    const metrics = this.store
      .list({
        namespace: optionalString('Namespace', input.Namespace, 255),
        metricName: optionalString('MetricName', input.MetricName, 255),
        dimensions: filters,
        activeSince: recentlyActive ? Date.now() - 3 * 3600_000 : undefined,
      })
      .map((metric) => ({ Namespace: metric.namespace, MetricName: metric.metricName, Dimensions: metric.dimensions }));
    const { page, nextToken } = paginate(metrics, input.NextToken, LIST_METRICS_PAGE);
    return { Metrics: page, ...(nextToken ? { NextToken: nextToken } : {}) };
  }

  // --- alarms ---

  private putMetricAlarm(input: any): void {
    const name = requiredString('AlarmName', input.AlarmName);
    if (input.Metrics !== undefined) throw notEmulated('An alarm on Metrics (metric math or several metrics)');
    if (input.ExtendedStatistic !== undefined) throw notEmulated('ExtendedStatistic (percentiles)');
    if (input.ThresholdMetricId !== undefined) throw notEmulated('ThresholdMetricId (anomaly detection)');
    const evaluationPeriods = requiredNumber('EvaluationPeriods', input.EvaluationPeriods, { min: 1, integer: true });
    const datapointsToAlarm = optionalNumber('DatapointsToAlarm', input.DatapointsToAlarm, { min: 1, integer: true }) ?? evaluationPeriods;
    if (datapointsToAlarm > evaluationPeriods) throw invalidParameterValue('DatapointsToAlarm must be less than or equal to EvaluationPeriods.');
    const comparisonOperator = oneOf('ComparisonOperator', input.ComparisonOperator, COMPARISON_OPERATORS);
    if (!comparisonOperator) throw missingParameter('ComparisonOperator');
    const statistic = oneOf('Statistic', input.Statistic, STATISTICS);
    if (!statistic) throw missingParameter('Statistic');
    const actions = (member: string) => optionalList(member, input[member], 5).map((action, index) => requiredString(`${member}.member.${index + 1}`, action, 1024));
    const tags = optionalList('Tags', input.Tags, 50).map((tag: any, index) => ({
      Key: requiredString(`Tags.member.${index + 1}.Key`, tag?.Key, 128),
      Value: requiredString(`Tags.member.${index + 1}.Value`, tag.Value, 256),
    }));
    this.alarms.put({
      name,
      arn: this.cloud.arn('cloudwatch', `alarm:${name}`),
      description: optionalString('AlarmDescription', input.AlarmDescription, 1024),
      actionsEnabled: optionalBoolean('ActionsEnabled', input.ActionsEnabled) ?? true,
      okActions: actions('OKActions'),
      alarmActions: actions('AlarmActions'),
      insufficientDataActions: actions('InsufficientDataActions'),
      ...identityOf(input, ''),
      statistic,
      periodSeconds: periodOf('Period', input.Period),
      unit: oneOf('Unit', input.Unit, UNITS),
      evaluationPeriods,
      datapointsToAlarm,
      threshold: requiredNumber('Threshold', input.Threshold),
      comparisonOperator,
      treatMissingData: oneOf('TreatMissingData', input.TreatMissingData, TREAT_MISSING_DATA) ?? 'missing',
      tags,
    });
  }

  private describeAlarms(input: any) {
    const names = optionalList('AlarmNames', input.AlarmNames, 100).map((name, index) => requiredString(`AlarmNames.member.${index + 1}`, name));
    const prefix = optionalString('AlarmNamePrefix', input.AlarmNamePrefix, 255);
    if (names.length > 0 && prefix !== undefined) throw invalidParameterCombination('AlarmNames and AlarmNamePrefix cannot be given together.');
    const stateValue = oneOf('StateValue', input.StateValue, ALARM_STATES);
    const actionPrefix = optionalString('ActionPrefix', input.ActionPrefix, 1024);
    const types = optionalList('AlarmTypes', input.AlarmTypes).map((type, index) => oneOf(`AlarmTypes.member.${index + 1}`, type, ['CompositeAlarm', 'MetricAlarm'] as const));
    const wantMetricAlarms = types.length === 0 || types.includes('MetricAlarm');
    const alarms = this.alarms
      .list()
      .filter(
        (alarm) =>
          wantMetricAlarms &&
          (names.length === 0 || names.includes(alarm.name)) &&
          (prefix === undefined || alarm.name.startsWith(prefix)) &&
          (stateValue === undefined || alarm.state === stateValue) &&
          (actionPrefix === undefined || [...alarm.okActions, ...alarm.alarmActions, ...alarm.insufficientDataActions].some((action) => action.startsWith(actionPrefix))),
      );
    const { page, nextToken } = paginate(alarms, input.NextToken, optionalNumber('MaxRecords', input.MaxRecords, { min: 1, max: 100, integer: true }) ?? 50);
    return { MetricAlarms: page.map(alarmView), CompositeAlarms: [], ...(nextToken ? { NextToken: nextToken } : {}) };
  }

  private describeAlarmsForMetric(input: any) {
    const identity = identityOf(input, '');
    const statistic = oneOf('Statistic', input.Statistic, STATISTICS);
    const period = input.Period === undefined ? undefined : periodOf('Period', input.Period);
    const key = JSON.stringify(identity.dimensions.map((d) => [d.Name, d.Value]).sort());
    const alarms = this.alarms
      .list()
      .filter(
        (alarm) =>
          alarm.namespace === identity.namespace &&
          alarm.metricName === identity.metricName &&
          JSON.stringify(alarm.dimensions.map((d) => [d.Name, d.Value]).sort()) === key &&
          (statistic === undefined || alarm.statistic === statistic) &&
          (period === undefined || alarm.periodSeconds === period),
      );
    return { MetricAlarms: alarms.map(alarmView) };
  }

  private describeAlarmHistory(input: any) {
    const name = optionalString('AlarmName', input.AlarmName, 255);
    const type = oneOf('HistoryItemType', input.HistoryItemType, ['ConfigurationUpdate', 'StateUpdate', 'Action', 'AlarmContributorStateUpdate', 'AlarmContributorAction'] as const);
    const start = optionalTime('StartDate', input.StartDate);
    const end = optionalTime('EndDate', input.EndDate);
    const ascending = oneOf('ScanBy', input.ScanBy, ['TimestampDescending', 'TimestampAscending'] as const) === 'TimestampAscending';
    const items = this.alarms
      .historyItems()
      .filter(
        (item) =>
          (name === undefined || item.alarmName === name) &&
          (type === undefined || item.type === (type as HistoryItemType)) &&
          (start === undefined || item.timestamp >= start) &&
          (end === undefined || item.timestamp <= end),
      );
    const ordered = ascending ? [...items] : [...items].reverse();
    const { page, nextToken } = paginate(ordered, input.NextToken, optionalNumber('MaxRecords', input.MaxRecords, { min: 1, max: 100, integer: true }) ?? 100);
    return { AlarmHistoryItems: page.map(historyView), ...(nextToken ? { NextToken: nextToken } : {}) };
  }

  private setAlarmState(input: any): void {
    const name = requiredString('AlarmName', input.AlarmName);
    const state = oneOf('StateValue', input.StateValue, ALARM_STATES);
    if (!state) throw missingParameter('StateValue');
    const reason = requiredString('StateReason', input.StateReason, 1023);
    const reasonData = optionalString('StateReasonData', input.StateReasonData, 4000);
    if (reasonData !== undefined) {
      try {
        JSON.parse(reasonData);
      } catch {
        throw new AwsError('InvalidFormatFault', 'StateReasonData must be JSON.', 400, 'InvalidFormat');
      }
    }
    const alarm = this.alarms.get(name);
    if (!alarm) throw resourceNotFound(`Alarm ${name} not found`);
    this.alarms.setState(alarm, state, reason, reasonData);
  }

  /** The alarms named (DeleteAlarms and the actions switches): all must exist, or nothing changes. */
  private existingAlarms(names: unknown): MetricAlarm[] {
    const list = optionalList('AlarmNames', names, 100).map((name, index) => requiredString(`AlarmNames.member.${index + 1}`, name));
    const missing = list.filter((name) => !this.alarms.get(name));
    if (missing.length > 0) throw resourceNotFound(`${missing.length === 1 ? 'Alarm' : 'Alarms'} ${missing.join(', ')} not found`);
    return list.map((name) => this.alarms.get(name)!);
  }

  private alarmByArn(arn: string): MetricAlarm {
    const alarm = this.alarms.list().find((candidate) => candidate.arn === arn);
    if (!alarm) throw new AwsError('ResourceNotFoundException', `No alarm has the ARN ${arn}.`, 404, 'ResourceNotFoundException');
    return alarm;
  }
}

function identityOf(input: any, prefix: string): MetricIdentity {
  return {
    namespace: requiredString(`${prefix}Namespace`, input.Namespace),
    metricName: requiredString(`${prefix}MetricName`, input.MetricName),
    dimensions: dimensionsOf(input.Dimensions, `${prefix}Dimensions`),
  };
}

function dimensionsOf(value: unknown, at: string): Dimension[] {
  const dimensions = optionalList(at, value, MAX_DIMENSIONS).map((dimension: any, index) => ({
    Name: requiredString(`${at}.member.${index + 1}.Name`, dimension?.Name),
    Value: requiredString(`${at}.member.${index + 1}.Value`, dimension.Value, 1024),
  }));
  if (new Set(dimensions.map((d) => d.Name)).size !== dimensions.length) throw invalidParameterValue(`${at} names a dimension more than once.`);
  return dimensions;
}

/** A period in seconds: 1, 5, 10, 30 or a multiple of 60 (API_MetricStat, API_PutMetricAlarm). */
function periodOf(name: string, value: unknown): number {
  const period = requiredNumber(name, value, { min: 1, integer: true });
  if (![1, 5, 10, 30].includes(period) && period % 60 !== 0) throw invalidParameterValue(`The parameter ${name} must be 1, 5, 10, 30 or a multiple of 60, not ${period}.`);
  return period;
}

function statisticNamed(name: string, value: unknown): Statistic {
  const text = requiredString(name, value);
  if (!(STATISTICS as readonly string[]).includes(text)) {
    throw /^(p|tm|wm|tc|ts|pr|iqm)/i.test(text) ? notEmulated(`The statistic ${text} of ${name}`) : invalidParameterValue(`The parameter ${name} must be one of ${STATISTICS.join(', ')}, not ${text}.`);
  }
  return text as Statistic;
}

/** NextToken is the offset of the next page (opaque to clients). */
function paginate<T>(items: T[], token: unknown, pageSize: number): { page: T[]; nextToken?: string } {
  let start = 0;
  if (token !== undefined && token !== null && token !== '') {
    start = Number(Buffer.from(String(token), 'base64').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw invalidNextToken();
  }
  const page = items.slice(start, start + pageSize);
  return { page, ...(start + pageSize < items.length ? { nextToken: Buffer.from(String(start + pageSize)).toString('base64') } : {}) };
}

function alarmView(alarm: MetricAlarm) {
  return {
    AlarmName: alarm.name,
    AlarmArn: alarm.arn,
    ...(alarm.description !== undefined ? { AlarmDescription: alarm.description } : {}),
    AlarmConfigurationUpdatedTimestamp: new Date(alarm.configurationUpdated),
    ActionsEnabled: alarm.actionsEnabled,
    OKActions: alarm.okActions,
    AlarmActions: alarm.alarmActions,
    InsufficientDataActions: alarm.insufficientDataActions,
    StateValue: alarm.state,
    StateReason: alarm.stateReason,
    ...(alarm.stateReasonData !== undefined ? { StateReasonData: alarm.stateReasonData } : {}),
    StateUpdatedTimestamp: new Date(alarm.stateUpdated),
    StateTransitionedTimestamp: new Date(alarm.stateUpdated),
    MetricName: alarm.metricName,
    Namespace: alarm.namespace,
    Statistic: alarm.statistic,
    Dimensions: alarm.dimensions,
    Period: alarm.periodSeconds,
    ...(alarm.unit !== undefined ? { Unit: alarm.unit } : {}),
    EvaluationPeriods: alarm.evaluationPeriods,
    DatapointsToAlarm: alarm.datapointsToAlarm,
    Threshold: alarm.threshold,
    ComparisonOperator: alarm.comparisonOperator,
    TreatMissingData: alarm.treatMissingData,
  };
}

function historyView(item: AlarmHistoryItem) {
  return { AlarmName: item.alarmName, AlarmType: 'MetricAlarm', Timestamp: new Date(item.timestamp), HistoryItemType: item.type, HistorySummary: item.summary, HistoryData: item.data };
}
