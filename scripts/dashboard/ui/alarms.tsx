import type { AlarmView, ChartView } from '../api-types';
import { api } from './api';
import { clock } from './format';
import { usePoll } from './hooks';

const STATE_TONE = { ALARM: 'bad', OK: 'ok', INSUFFICIENT_DATA: 'idle' } as const;
const COLOURS = ['#2f5fb3', '#b42318', '#1f7a4a', '#9a5b00', '#6b4fb3', '#0f7c86'];
const WIDTH = 280;
const HEIGHT = 54;

/** Every CloudWatch alarm (red in ALARM, with its reason), and small charts of the run from the emulator's metrics. */
export function AlarmsPanel() {
  const { value, error } = usePoll(api.monitoring, 2000);
  const alarms = value?.alarms ?? [];
  const firing = alarms.filter((alarm) => alarm.state === 'ALARM').length;
  return (
    <section class="panel alarms" aria-label="Alarms">
      <h2>
        Alarms{' '}
        <span class={firing > 0 ? 'muted firing' : 'muted'}>
          {alarms.length} {alarms.length === 1 ? 'alarm' : 'alarms'}, {firing} in ALARM
        </span>
      </h2>
      {error && <p class="error">{error}</p>}
      <div class="scroll">
        {alarms.length === 0 && <p class="hint">No alarm yet: the packaged templates' AWS::CloudWatch::Alarm resources appear here, and any PutMetricAlarm.</p>}
        <ul class="alarm-list">
          {alarms.map((alarm) => (
            <Alarm key={alarm.name} alarm={alarm} />
          ))}
        </ul>
        <div class="charts">{value?.charts.map((chart) => <Chart key={chart.id} chart={chart} />)}</div>
      </div>
    </section>
  );
}

function Alarm({ alarm }: { alarm: AlarmView }) {
  return (
    <li class={`alarm ${STATE_TONE[alarm.state]}`} data-alarm={alarm.name} data-state={alarm.state} title={alarm.description ?? alarm.metric}>
      <div class="alarm-head">
        <span class={`chip ${STATE_TONE[alarm.state]}`}>{alarm.state}</span>
        <b class="alarm-name">{alarm.name}</b>
        <span class="muted small">{clock(alarm.stateUpdated)}</span>
      </div>
      <div class="muted small mono">
        {alarm.metric} · {alarm.condition}
      </div>
      <div class="reason small">{alarm.reason}</div>
    </li>
  );
}

/** A line per series over the run's periods, scaled to the largest value; the newest period on the right. */
function Chart({ chart }: { chart: ChartView }) {
  const max = Math.max(0, ...chart.series.flatMap((series) => series.values));
  const buckets = chart.series[0]?.values.length ?? 0;
  const x = (index: number) => (buckets <= 1 ? 0 : (index / (buckets - 1)) * WIDTH);
  const y = (value: number) => HEIGHT - 2 - (max === 0 ? 0 : (value / max) * (HEIGHT - 4));
  return (
    <figure class="chart" data-chart={chart.id} data-max={String(max)}>
      <figcaption>
        {chart.title} <span class="muted">max {max}</span>
      </figcaption>
      {chart.series.length === 0 ? (
        <p class="muted small">no data yet</p>
      ) : (
        <>
          <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" height={HEIGHT} role="img" aria-label={chart.title}>
            <line class="axis" x1="0" y1={HEIGHT - 2} x2={WIDTH} y2={HEIGHT - 2} />
            {chart.series.map((series, index) => (
              <polyline key={series.label} fill="none" stroke={COLOURS[index % COLOURS.length]} stroke-width="1.5" vector-effect="non-scaling-stroke" points={series.values.map((value, i) => `${x(i).toFixed(1)},${y(value).toFixed(1)}`).join(' ')} />
            ))}
          </svg>
          <div class="legend small">
            {chart.series.map((series, index) => (
              <span key={series.label} style={{ color: COLOURS[index % COLOURS.length] }}>
                ■ {series.label} {series.values.reduce((sum, value) => sum + value, 0) > 0 ? `(last ${series.values[series.values.length - 1]})` : ''}
              </span>
            ))}
          </div>
        </>
      )}
    </figure>
  );
}
