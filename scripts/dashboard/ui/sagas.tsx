import { useState } from 'preact/hooks';
import type { ExecutionView } from '../api-types';
import { api } from './api';
import { clock, pretty, shortId, tone, truncate } from './format';
import { usePoll } from './hooks';
import { SagaGraph } from './saga-graph';

interface Props {
  selected?: string;
  onSelect: (executionArn: string) => void;
}

const LEGEND = ['SUCCEEDED', 'CAUGHT', 'FAILED', 'RUNNING', 'NOT_STARTED'];

/** Every saga execution, and the selected one drawn as its state machine's graph. */
export function SagasPanel({ selected, onSelect }: Props) {
  const { value, error } = usePoll(api.executions, 2000);
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const executions = (value?.executions ?? []).filter((e) => !needle || `${e.stateMachineName} ${e.name} ${e.status}`.toLowerCase().includes(needle));
  return (
    <section class="panel sagas" aria-label="Sagas">
      <h2>
        Sagas <span class="muted">{value && `${value.executions.length} executions`}</span>
        <input class="filter" placeholder="filter: machine, order id, status…" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      </h2>
      {error && <p class="error">{error}</p>}
      <div class="executions scroll">
        <table class="dense">
          <tbody>
            {executions.map((execution) => (
              <tr key={execution.executionArn} class={execution.executionArn === selected ? 'selected' : ''} onClick={() => onSelect(execution.executionArn)}>
                <td>{execution.stateMachineName}</td>
                <td class="mono" title={execution.name}>
                  {truncate(execution.name, 30)}
                </td>
                <td>
                  <span class={`status ${tone(execution.status)}`}>{execution.status}</span>
                </td>
                <td class="mono muted">{clock(execution.startDate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {selected ? <ExecutionDetail key={selected} executionArn={selected} /> : <p class="muted hint">Select an execution, or an order's saga, to draw it.</p>}
    </section>
  );
}

function ExecutionDetail({ executionArn }: { executionArn: string }) {
  // A closed execution does not change: poll only while it runs.
  const [closed, setClosed] = useState(false);
  const { value, error } = usePoll<ExecutionView>(
    async () => {
      const view = await api.execution(executionArn);
      if (view.status !== 'RUNNING') setClosed(true);
      return view;
    },
    closed ? 3_600_000 : 1000,
    executionArn,
  );
  const [state, setState] = useState<string>();
  if (error && !value) return <p class="error">{error}</p>;
  if (!value) return <p class="muted hint">loading…</p>;
  const run = state ? value.states[state] : undefined;
  return (
    <div class="execution">
      <div class="execution-head">
        <b>{value.name.length > 40 ? shortId(value.name) : value.name}</b> <span class={`status ${tone(value.status)}`}>{value.status}</span>{' '}
        <span class="muted">
          {value.executionArn.split(':')[6]} · started {clock(value.startDate)}
          {value.stopDate && ` · ${((Date.parse(value.stopDate) - Date.parse(value.startDate)) / 1000).toFixed(2)} s`}
        </span>
        {value.error && <span class="bad"> {value.error}: {value.cause}</span>}
        <span class="legend">
          {LEGEND.map((status) => (
            <span key={status} class={`key ${status.toLowerCase()}`}>
              {status.toLowerCase().replace('_', ' ')}
            </span>
          ))}
        </span>
      </div>
      <div class="execution-body">
        <div class="graph scroll">
          <SagaGraph definition={value.definition} states={value.states} selected={state} onSelect={setState} />
        </div>
        <aside class="state-detail" aria-label="State detail">
          {state && run ? (
            <>
              <h3>
                {state} <span class="muted">{run.type}</span>
              </h3>
              <p>
                <span class={`status ${tone(run.status)}`}>{run.status}</span> <span class="muted">entered {run.entered}×, {run.retries} retries</span>
              </p>
              {run.error && (
                <p class="bad">
                  {run.error}: {run.cause}
                </p>
              )}
              <h4>Input</h4>
              <pre data-testid="state-input">{run.input === undefined ? '—' : pretty(run.input)}</pre>
              <h4>Output</h4>
              <pre data-testid="state-output">{run.output === undefined ? '—' : pretty(run.output)}</pre>
            </>
          ) : (
            <>
              <h3>Execution</h3>
              <p class="muted">Click a state for its input and output.</p>
              <h4>Input</h4>
              <pre>{pretty(value.input)}</pre>
              <h4>Output</h4>
              <pre>{value.output === undefined ? '—' : pretty(value.output)}</pre>
            </>
          )}
        </aside>
      </div>
    </div>
  );
}
