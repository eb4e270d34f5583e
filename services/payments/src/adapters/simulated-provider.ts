import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidPaymentState, PaymentDeclined, ProviderUnavailable, type PaymentProvider } from '../domain/provider';
import { dynamoDocuments, isConditionFailed, requiredEnv } from '@shop/service-kit';

export type ProviderOperation = 'authorize' | 'capture' | 'void' | 'refund';

/**
 * How the simulated provider answers a test token on the n-th attempt (1-based) of one operation of one order:
 * - `tok_declined`: authorization declined (permanent);
 * - `tok_flaky`: every operation fails transiently twice, then works;
 * - `tok_capture_unavailable`: authorizes, but capture never works (exercises the saga's compensation);
 * - `tok_refund_outage`: approves, but a refund fails transiently 12 times first (a provider outage of about half an
 *   hour at the compensations' backoff: refunds must outlast it);
 * - anything else (`tok_visa`...): approved.
 */
const REFUND_OUTAGE_ATTEMPTS = 12;

export function simulatedOutcome(token: string, operation: ProviderOperation, attempt: number): 'approve' | 'decline' | 'unavailable' {
  if (token === 'tok_declined' && operation === 'authorize') return 'decline';
  if (token === 'tok_flaky' && attempt <= 2) return 'unavailable';
  if (token === 'tok_capture_unavailable' && operation === 'capture') return 'unavailable';
  if (token === 'tok_refund_outage' && operation === 'refund' && attempt <= REFUND_OUTAGE_ATTEMPTS) return 'unavailable';
  return 'approve';
}

/** The provider's own view of a payment (row `id` = orderId of the provider table). Amounts in minor units. */
export interface ProviderPayment {
  id: string;
  paymentId: string;
  token: string;
  currency: string;
  amount: number;
  status: 'AUTHORIZED' | 'CAPTURED' | 'VOIDED' | 'REFUNDED';
  /** Totals moved: ADDed only by the one conditional transition that moves the money, so a repeat cannot add twice. */
  captured: number;
  refunded: number;
}

/**
 * A payment provider simulated in its own DynamoDB table, deterministic across processes: attempts are counted per
 * (orderId, operation) in the table (`<orderId>#<operation>` rows), and each money movement is one conditional
 * write, so the provider is idempotent per (orderId, operation) like a real one with idempotency keys.
 */
export class SimulatedProvider implements PaymentProvider {
  constructor(
    private readonly tableName: string,
    private readonly client: Pick<DynamoDBDocumentClient, 'send'> = dynamoDocuments(),
  ) {}

  static fromEnv(): SimulatedProvider {
    return new SimulatedProvider(requiredEnv('PROVIDER_TABLE'));
  }

  async authorize(request: { orderId: string; paymentId: string; token: string; amount: number; currency: string }): Promise<{ authorizationId: string }> {
    await this.attempt(request.orderId, 'authorize', request.token);
    const authorizationId = `auth_${request.paymentId}`;
    const payment: ProviderPayment & { authorizationId: string } = {
      id: request.orderId, paymentId: request.paymentId, token: request.token, currency: request.currency, amount: request.amount,
      status: 'AUTHORIZED', captured: 0, refunded: 0, authorizationId,
    };
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: payment, ConditionExpression: 'attribute_not_exists(id)' }));
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const existing = await this.payment(request.orderId);
      if (existing?.paymentId !== request.paymentId || existing.amount !== request.amount) {
        throw new InvalidPaymentState(`order ${request.orderId} already has another authorization`);
      }
    }
    return { authorizationId };
  }

  async capture(request: { orderId: string; amount: number }): Promise<void> {
    const payment = await this.requirePayment(request.orderId, 'capture');
    await this.attempt(request.orderId, 'capture', payment.token);
    await this.transition(request.orderId, {
      UpdateExpression: 'SET #status = :captured ADD captured :amount',
      ConditionExpression: '#status = :authorized AND amount >= :amount',
      ExpressionAttributeValues: { ':captured': 'CAPTURED', ':authorized': 'AUTHORIZED', ':amount': request.amount },
    }, ['CAPTURED', 'REFUNDED'], 'capture');
  }

  async void(request: { orderId: string }): Promise<{ voided: boolean }> {
    const payment = await this.payment(request.orderId);
    if (!payment) return { voided: false };
    await this.attempt(request.orderId, 'void', payment.token);
    await this.transition(request.orderId, {
      UpdateExpression: 'SET #status = :voided',
      ConditionExpression: '#status = :authorized',
      ExpressionAttributeValues: { ':voided': 'VOIDED', ':authorized': 'AUTHORIZED' },
    }, ['VOIDED'], 'void');
    return { voided: true };
  }

  async refund(request: { orderId: string; amount: number }): Promise<void> {
    const payment = await this.requirePayment(request.orderId, 'refund');
    await this.attempt(request.orderId, 'refund', payment.token);
    await this.transition(request.orderId, {
      UpdateExpression: 'SET #status = :refunded ADD refunded :amount',
      ConditionExpression: '#status = :captured AND captured >= :amount',
      ExpressionAttributeValues: { ':refunded': 'REFUNDED', ':captured': 'CAPTURED', ':amount': request.amount },
    }, ['REFUNDED'], 'refund');
  }

  async lookup(orderId: string): Promise<Pick<ProviderPayment, 'status' | 'captured' | 'refunded'> | undefined> {
    const payment = await this.payment(orderId);
    return payment && { status: payment.status, captured: payment.captured, refunded: payment.refunded };
  }

  /** The provider's record of an order's payment (tests read it to prove what money moved). */
  async payment(orderId: string): Promise<ProviderPayment | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { id: orderId }, ConsistentRead: true }));
    return Item as ProviderPayment | undefined;
  }

  /** How many times an operation was attempted for an order. */
  async attempts(orderId: string, operation: ProviderOperation): Promise<number> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { id: `${orderId}#${operation}` }, ConsistentRead: true }));
    return (Item?.attempts as number | undefined) ?? 0;
  }

  /** Counts the attempt, then answers as the test token says. */
  private async attempt(orderId: string, operation: ProviderOperation, token: string): Promise<void> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id: `${orderId}#${operation}` },
        UpdateExpression: 'ADD attempts :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const attempt = Attributes?.attempts as number;
    switch (simulatedOutcome(token, operation, attempt)) {
      case 'unavailable':
        throw new ProviderUnavailable(`provider unavailable for ${operation} of order ${orderId} (attempt ${attempt})`);
      case 'decline':
        throw new PaymentDeclined(`card declined by issuer for order ${orderId}`);
      case 'approve':
        return;
    }
  }

  /** One conditional transition; when its condition is false, a payment already in `done` means a repeat: no-op. */
  private async transition(
    orderId: string,
    update: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> },
    done: ProviderPayment['status'][],
    operation: ProviderOperation,
  ): Promise<void> {
    try {
      await this.client.send(new UpdateCommand({ TableName: this.tableName, Key: { id: orderId }, ExpressionAttributeNames: { '#status': 'status' }, ...update }));
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const payment = await this.payment(orderId);
      if (!payment || !done.includes(payment.status)) throw new InvalidPaymentState(`cannot ${operation} the payment of order ${orderId}: it is ${payment?.status ?? 'absent'}`);
    }
  }

  private async requirePayment(orderId: string, operation: ProviderOperation): Promise<ProviderPayment> {
    const payment = await this.payment(orderId);
    if (!payment) throw new InvalidPaymentState(`cannot ${operation} the payment of order ${orderId}: it was never authorized`);
    return payment;
  }
}
