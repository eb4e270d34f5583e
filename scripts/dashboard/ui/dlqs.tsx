import { useState } from 'preact/hooks';
import type { DlqRole, DlqView, RedriveReportView } from '../api-types';
import { api } from './api';
import { clock, pretty, shortName } from './format';
import { usePoll } from './hooks';

function describeRole(role: DlqRole): string {
  switch (role.kind) {
    case 'sqs-redrive':
      return `redrive DLQ of ${role.source} (maxReceiveCount ${role.maxReceiveCount})`;
    case 'rule-target':
      return `DLQ of rule ${role.rule} → ${shortName(role.target)}`;
    case 'lambda-on-failure':
      return `on-failure destination of ${role.functionName}`;
    case 'lambda-dlq':
      return `DLQ of ${role.functionName}`;
    case 'failed-execution':
      return `failed executions (rule ${role.rule}), redriven with RedriveExecution`;
  }
}

/** Every dead-letter queue, its messages peeked (never consumed) with why each is there, and a Redrive per queue. */
export function DlqPanel() {
  const { value, error, refresh } = usePoll(api.dlqs, 2000);
  // Kept here, not in the queue: a redriven queue empties and leaves the list, and its report must stay visible.
  const [report, setReport] = useState<{ queue: string; outcome: RedriveReportView | string }>();
  const queues = value?.queues ?? [];
  const holding = queues.filter((queue) => queue.messages.length > 0);
  return (
    <section class="panel dlqs" aria-label="Dead-letter queues">
      <h2>
        Dead-letter queues{' '}
        <span class="muted">
          {queues.length} queues, {holding.length} holding messages
        </span>
      </h2>
      {error && <p class="error">{error}</p>}
      {report && (
        <p class={`report ${typeof report.outcome === 'string' || report.outcome.kept.length > 0 ? 'bad' : 'ok'}`} role="status">
          {report.queue}: {describeReport(report.outcome)}
        </p>
      )}
      <div class="scroll">
        {holding.map((queue) => (
          <Queue
            key={queue.arn}
            queue={queue}
            onRedriven={(outcome) => {
              setReport({ queue: queue.name, outcome });
              refresh();
            }}
          />
        ))}
        <details class="empty-queues">
          <summary>{queues.length - holding.length} empty</summary>
          <ul>
            {queues
              .filter((queue) => queue.messages.length === 0)
              .map((queue) => (
                <li key={queue.arn} title={queue.roles.map(describeRole).join('\n')}>
                  {queue.name}
                </li>
              ))}
          </ul>
        </details>
      </div>
    </section>
  );
}

function describeReport(outcome: RedriveReportView | string): string {
  if (typeof outcome === 'string') return `redrive failed: ${outcome}`;
  const via = outcome.redriven.map((r) => `${r.via} → ${shortName(r.target)}`).join(', ');
  const settled = outcome.settled.length > 0 ? `, settled ${outcome.settled.length}${outcome.settled.map((s) => `; ${s.messageId.slice(0, 8)}: ${s.reason}`).join('')}` : '';
  return `redriven ${outcome.redriven.length}${via ? ` (${via})` : ''}, kept ${outcome.kept.length}${outcome.kept.map((k) => `; ${k.messageId.slice(0, 8)}: ${k.reason}`).join('')}${settled}`;
}

function Queue({ queue, onRedriven }: { queue: DlqView; onRedriven: (outcome: RedriveReportView | string) => void }) {
  const [busy, setBusy] = useState(false);
  const redrive = async () => {
    setBusy(true);
    try {
      onRedriven(await api.redrive(queue.url));
    } catch (error) {
      onRedriven((error as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="queue" data-queue={queue.name}>
      <div class="queue-head">
        <b>{queue.name}</b> <span class="count">{queue.messages.length}</span>
        <button onClick={redrive} disabled={busy} aria-label={`Redrive ${queue.name}`}>
          {busy ? 'Redriving…' : 'Redrive'}
        </button>
      </div>
      <div class="muted small">{queue.roles.map(describeRole).join(' · ')}</div>
      {queue.messages.map((message) => (
        <details key={message.messageId} class="message">
          <summary>
            <span class="mono muted">{message.sentAt ? clock(message.sentAt) : ''}</span> <span class="reason">{message.why.reason}</span>
            {message.why.event && (
              <span class="muted">
                {' '}
                · {message.why.event.detailType} {message.why.event.orderId && `order ${message.why.event.orderId.slice(0, 8)}`}
              </span>
            )}
          </summary>
          <dl>
            <dt>kind</dt>
            <dd>{message.why.kind}</dd>
            {message.why.failed && (
              <>
                <dt>failed</dt>
                <dd class="mono">{message.why.failed}</dd>
              </>
            )}
            {message.why.attempts && (
              <>
                <dt>attempts</dt>
                <dd>{message.why.attempts}</dd>
              </>
            )}
          </dl>
          <pre>{pretty(message.body)}</pre>
        </details>
      ))}
    </div>
  );
}
