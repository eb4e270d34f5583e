/** The bill as `npm run cost` prints it: line items, operations per order by resource, and the summary line last. */
import type { Bill, ResourceOperations } from './bill';
import { PRICES } from './prices';

const usd = (n: number) => `$${n.toFixed(2)}`;
const units = (n: number) => (n === 0 ? '0' : n < 0.01 ? n.toExponential(2) : n.toFixed(n < 10 ? 3 : 1));

export function summaryLine(bill: Bill): string {
  return `cost: ${usd(bill.usdPerMillionOrders)} per 1M orders (all-Standard design: ${usd(bill.allStandardUsdPerMillionOrders)}, ratio ${bill.ratio.toFixed(2)})`;
}

export function formatBill(bill: Bill, context: { scenarios: number; outcomes: Record<string, number> }): string {
  const outcomes = Object.entries(context.outcomes).map(([status, n]) => `${n} ${status}`).join(', ');
  const rows = bill.lines.map((line) => {
    const price = PRICES[line.price];
    const unitPrice = `$${price.usd} per ${price.per === 1 ? '' : `${price.per.toLocaleString('en-US')} `}${price.unit}`;
    return [line.item, units(line.unitsPerOrder), unitPrice, usd(line.usdPerMillionOrders)];
  });
  rows.push(['total', '', '', usd(bill.usdPerMillionOrders)]);
  const lines = [
    `${bill.orders} orders accepted of ${context.scenarios} scenarios${outcomes ? ` (${outcomes})` : ''}; monthly items at ${bill.ordersPerMonth.toLocaleString('en-US')} orders a month`,
    '',
    ...table(['item', 'units per order', 'unit price (us-east-1)', '$ per 1M orders'], rows),
    '',
    'operations per order, by resource:',
    ...section('Lambda (requests, billed ms, MB)', bill.operations.lambda, (p) => `${units(p.requests!)} requests, ${units(p.billedMs!)} ms at ${p.memorySizeMb} MB`),
    ...section('DynamoDB (request units, requests by operation)', bill.operations.dynamodb, ({ writeUnits, readUnits, ...ops }) => `${units(writeUnits!)} WRU, ${units(readUnits!)} RRU; ${counts(ops)}`),
    ...section('Step Functions (executions, transitions by state)', bill.operations.states, ({ executions, transitions, ...states }) => `${units(executions!)} executions, ${units(transitions!)} transitions: ${counts(states)}`),
    ...section('EventBridge (custom events put)', bill.operations.events, (p) => `${units(p.entries!)} entries, ${units(p.chunks!)} chunks`),
    ...section('SQS (requests)', bill.operations.sqs, ({ requests, ...ops }) => `${units(requests!)} requests; ${counts(ops)}`),
    ...section('SES (e-mails, by sender)', bill.operations.ses, (p) => `${units(p.emails!)}`),
    ...section('API Gateway (requests, by route)', bill.operations.httpApi, (p) => `${units(p.requests!)}`),
    ...bill.notes.map((note) => `note: ${note}`),
    '',
    summaryLine(bill),
  ];
  return lines.join('\n');
}

function counts(record: Record<string, number>): string {
  return Object.entries(record)
    .sort(([, a], [, b]) => b - a)
    .map(([name, n]) => `${name} ${units(n)}`)
    .join(', ');
}

function section(title: string, resources: ResourceOperations[], describe: (perOrder: Record<string, number>) => string): string[] {
  if (resources.length === 0) return [];
  const width = Math.max(...resources.map((r) => r.resource.length));
  return [`  ${title}:`, ...[...resources].sort((a, b) => a.resource.localeCompare(b.resource)).map((r) => `    ${r.resource.padEnd(width)}  ${describe(r.perOrder)}`)];
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const format = (row: string[]) => row.map((cell, i) => (i === 0 || i === 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(format)];
}
