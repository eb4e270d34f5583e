import { useEffect, useState } from 'preact/hooks';
import { AlarmsPanel } from './alarms';
import { DlqPanel } from './dlqs';
import { SchedulesPanel } from './schedules';
import { OrdersPanel } from './orders';
import { PlaceOrderForm } from './place-order';
import { SagasPanel } from './sagas';
import { TimelinePanel } from './timeline';

/** What is selected, kept in the location hash so a link (or the screenshot script) opens the same view. */
export interface Selection {
  orderId?: string;
  executionArn?: string;
}

function readHash(): Selection {
  const params = new URLSearchParams(location.hash.slice(1));
  return { orderId: params.get('order') ?? undefined, executionArn: params.get('execution') ?? undefined };
}

function writeHash(selection: Selection): void {
  const params = new URLSearchParams();
  if (selection.orderId) params.set('order', selection.orderId);
  if (selection.executionArn) params.set('execution', selection.executionArn);
  history.replaceState(null, '', `#${params.toString()}`);
}

export function App() {
  const [selection, setSelection] = useState<Selection>(readHash);
  useEffect(() => {
    const onHash = () => setSelection(readHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const select = (next: Selection) => {
    writeHash(next);
    setSelection(next);
  };

  return (
    <div class="page">
      <header class="top">
        <h1>
          shop <span class="muted">· local dashboard</span>
        </h1>
        <span class="muted endpoint">AWS endpoint {location.origin}</span>
      </header>
      <main class="grid">
        <div class="column">
          <PlaceOrderForm onPlaced={(orderId) => select({ orderId })} />
          <OrdersPanel selected={selection.orderId} onSelectOrder={(orderId) => select({ orderId })} onOpenExecution={(executionArn) => select({ ...selection, executionArn })} />
          <DlqPanel />
          <SchedulesPanel />
        </div>
        <SagasPanel selected={selection.executionArn} onSelect={(executionArn) => select({ ...selection, executionArn })} />
        <div class="column">
          <AlarmsPanel />
          <TimelinePanel />
        </div>
      </main>
    </div>
  );
}
