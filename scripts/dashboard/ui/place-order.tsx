import { useState } from 'preact/hooks';
import type { ApiAnswer } from '../api-types';
import { api } from './api';

const TOKENS = [
  ['tok_visa', 'approves'],
  ['tok_declined', 'declines'],
  ['tok_flaky', 'fails twice, then approves'],
  ['tok_fraud', 'rejected by fraud review'],
] as const;

/** The README's order, placed through the dashboard's proxy route (the HTTP API is another origin). */
export function PlaceOrderForm({ onPlaced }: { onPlaced: (orderId: string) => void }) {
  const [sku, setSku] = useState('SKU-RED-MUG');
  const [available, setAvailable] = useState(10);
  const [quantity, setQuantity] = useState(2);
  const [unitPrice, setUnitPrice] = useState(1299);
  const [email, setEmail] = useState('ada@example.com');
  const [token, setToken] = useState('tok_visa');
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<ApiAnswer>, describe: (answer: ApiAnswer) => string) => {
    setBusy(true);
    setResult(undefined);
    try {
      const answer = await action();
      setResult({ ok: answer.status < 300, text: `${answer.status} ${describe(answer)}` });
    } catch (error) {
      setResult({ ok: false, text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const place = (event: Event) => {
    event.preventDefault();
    const body = { customerEmail: email, currency: 'EUR', items: [{ sku, quantity, unitPrice }], paymentToken: token };
    void run(
      () => api.placeOrder(body),
      (answer) => {
        const placed = answer.body as { orderId?: string; status?: string };
        if (placed?.orderId) onPlaced(placed.orderId);
        return placed?.orderId ? `order ${placed.orderId} ${placed.status}` : JSON.stringify(answer.body);
      },
    );
  };
  const stock = () => void run(() => api.setStock(sku, available), (answer) => `stock ${sku}: ${JSON.stringify(answer.body)}`);

  return (
    <section class="panel place-order">
      <h2>Place an order</h2>
      <form onSubmit={place}>
        <div class="row">
          <label>
            SKU <input value={sku} onInput={(e) => setSku(e.currentTarget.value)} required />
          </label>
          <label>
            Stock <input type="number" min={0} value={available} onInput={(e) => setAvailable(e.currentTarget.valueAsNumber)} class="narrow" />
          </label>
          <button type="button" onClick={stock} disabled={busy}>
            Set stock
          </button>
        </div>
        <div class="row">
          <label>
            Qty <input type="number" min={1} value={quantity} onInput={(e) => setQuantity(e.currentTarget.valueAsNumber)} class="narrow" />
          </label>
          <label>
            Unit price <input type="number" min={1} value={unitPrice} onInput={(e) => setUnitPrice(e.currentTarget.valueAsNumber)} class="narrow" />
          </label>
          <label>
            E-mail <input type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} required />
          </label>
        </div>
        <div class="row">
          <label>
            Payment token
            <select value={token} onChange={(e) => setToken(e.currentTarget.value)}>
              {TOKENS.map(([value, effect]) => (
                <option value={value} key={value}>
                  {value} ({effect})
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="primary" disabled={busy}>
            Place order
          </button>
        </div>
      </form>
      {result && (
        <p class={`result ${result.ok ? 'ok' : 'bad'}`} role="status">
          {result.text}
        </p>
      )}
    </section>
  );
}
