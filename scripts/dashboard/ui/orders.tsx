import type { ContextStatus, OrderDetail } from '../api-types';
import { api } from './api';
import { clock, shortId, shortName, tone } from './format';
import { usePoll } from './hooks';

/** A context's status; its detail inline when asked (the order's reason), else on hover. */
function Status({ of, inline = false }: { of: ContextStatus; inline?: boolean }) {
  return (
    <span class={`status ${tone(of.status)}`} title={of.detail}>
      {of.status}
      {inline && of.detail && <small>{of.detail}</small>}
    </span>
  );
}

interface Props {
  selected?: string;
  onSelectOrder: (orderId: string) => void;
  onOpenExecution: (executionArn: string) => void;
}

/** Every order seen on the bus, newest first, with what each context says of it. */
export function OrdersPanel({ selected, onSelectOrder, onOpenExecution }: Props) {
  const { value, error } = usePoll(api.orders, 1500);
  const orders = value?.orders ?? [];
  return (
    <section class="panel orders" aria-label="Orders">
      <h2 title={value && `statuses from the HTTP API at ${value.apiBaseUrl}`}>Orders across contexts</h2>
      {error && <p class="error">{error}</p>}
      <div class="scroll">
        <table class="dense">
          <thead>
            <tr>
              <th>order</th>
              <th>orders</th>
              <th>payments</th>
              <th>e-mails</th>
            </tr>
          </thead>
          <tbody>
            {orders.length === 0 && (
              <tr>
                <td colSpan={4} class="muted">
                  No order on the bus yet: place one.
                </td>
              </tr>
            )}
            {orders.map((order) => (
              <tr key={order.orderId} class={order.orderId === selected ? 'selected' : ''} onClick={() => onSelectOrder(order.orderId)} data-order-id={order.orderId}>
                <td class="mono" title={`${order.orderId}, placed ${clock(order.placedAt)}`}>
                  {shortId(order.orderId)}
                </td>
                <td>
                  <Status of={order.contexts.orders} inline />
                </td>
                <td>
                  <Status of={order.contexts.payments} />
                </td>
                <td>
                  <Status of={order.contexts.notifications} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {selected && <OrderDetailView orderId={selected} onOpenExecution={onOpenExecution} />}
      </div>
    </section>
  );
}

function OrderDetailView({ orderId, onOpenExecution }: { orderId: string; onOpenExecution: (executionArn: string) => void }) {
  const { value, error } = usePoll<OrderDetail>(() => api.order(orderId), 2000, orderId);
  if (error) return <p class="error">{error}</p>;
  if (!value) return <p class="muted">loading {shortId(orderId)}…</p>;
  const received = value.events.filter((event) => event.type === 'event.received');
  return (
    <div class="order-detail" aria-label="Order detail">
      <h3 class="mono">{orderId}</h3>
      <h4>Sagas</h4>
      <ul class="links">
        {value.executions.map((execution) => (
          <li key={execution.executionArn}>
            <button class="link" onClick={() => onOpenExecution(execution.executionArn)} title={execution.executionArn}>
              {execution.stateMachineName} / {execution.name}
            </button>{' '}
            <span class={`status ${tone(execution.status)}`}>{execution.status}</span>
          </li>
        ))}
      </ul>
      <h4>Events</h4>
      <ul class="events">
        {received.map((event) => {
          const deliveries = value.events.filter((other) => other.eventId === event.eventId && other.type.startsWith('delivery.'));
          return (
            <li key={event.seq}>
              <span class="mono muted">{clock(event.time)}</span> <b>{String(event.detailType)}</b> <span class="muted">{String(event.source)}</span>{' '}
              {deliveries.map((delivery) => (
                <span key={delivery.seq} class={`chip ${tone(delivery.type.slice('delivery.'.length))}`} title={String(delivery.targetArn)}>
                  {shortName(String(delivery.targetArn))}
                </span>
              ))}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
