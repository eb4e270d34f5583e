import type { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { PaymentFailureReason, PaymentRecord, PaymentRequest, PaymentStatus } from '../domain/payment';
import { dynamoDocuments, isConditionFailed, itemAsItWas, requiredEnv, scanItems } from '@shop/service-kit';

/** What the refund saga found when it asked for cancellation: ABSENT when the payment had not begun. */
export interface CancellationRequested {
  previousStatus: PaymentStatus | 'ABSENT';
  captured: number;
}

export type BeginOutcome = 'PROCEED' | 'CANCELLED' | 'AUTHORIZED' | 'CAPTURED' | 'FAILED' | 'SETTLED';

/**
 * Where the payment saga goes on from, by the row Begin wrote: PROCEED (authorize), CANCELLED (cancelled before it was
 * authorized), AUTHORIZED, CAPTURED or FAILED (an earlier execution got that far: on to capture or release, to publish
 * PaymentCompleted, to publish PaymentFailed), SETTLED (refunded or voided, or the payment-release saga has it: nothing
 * left to do here).
 */
export function beginOutcome(record: Pick<PaymentRecord, 'status' | 'cancelRequested' | 'releasing'>): BeginOutcome {
  // Claimed by the payment-release saga (another execution failed and handed it over): that saga settles it.
  if (record.releasing && (record.status === 'AUTHORIZING' || record.status === 'AUTHORIZED')) return 'SETTLED';
  switch (record.status) {
    case 'AUTHORIZING':
      return record.cancelRequested ? 'CANCELLED' : 'PROCEED';
    case 'CANCELLED':
      return 'CANCELLED';
    case 'AUTHORIZED':
    case 'CAPTURED':
    case 'FAILED':
      return record.status;
    case 'REFUNDED':
    case 'VOIDED':
      return 'SETTLED';
  }
}
export type CommitOutcome = 'CAPTURED' | 'CANCELLED';

/**
 * The payments table. Every state change is ONE conditional UpdateItem on the order's row (dynalite, and so the local
 * stack, has no transactions). A step the saga retries after its write succeeded finds its condition false: it then
 * reads the row and answers what the first attempt did (the read changes nothing).
 */
export class PaymentsTable {
  constructor(
    private readonly tableName: string,
    private readonly client: Pick<DynamoDBDocumentClient, 'send'> = dynamoDocuments(),
  ) {}

  static fromEnv(): PaymentsTable {
    return new PaymentsTable(requiredEnv('PAYMENTS_TABLE'));
  }

  async get(orderId: string): Promise<PaymentRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { orderId }, ConsistentRead: true }));
    return Item as PaymentRecord | undefined;
  }

  /** Every payment's order, status, cancellation flag and last Begin, the whole table scanned page by page. */
  all(): AsyncGenerator<Pick<PaymentRecord, 'orderId' | 'status' | 'cancelRequested' | 'updatedAt'>> {
    return scanItems({ TableName: this.tableName, ProjectionExpression: 'orderId, #status, cancelRequested, updatedAt', ExpressionAttributeNames: { '#status': 'status' } }, this.client);
  }

  /**
   * Records what a release moved (the provider's own totals), from the status the sweep read: a cancelled payment
   * becomes REFUNDED, VOIDED or CANCELLED; one already settled keeps its status with the totals corrected. False when
   * the row changed since it was read (a saga moved it: the next sweep looks again).
   */
  async recordRelease(orderId: string, from: PaymentStatus, to: PaymentStatus, moved: { captured: number; refunded: number }, now: Date): Promise<boolean> {
    try {
      await this.update({
        Key: { orderId },
        UpdateExpression: `SET #status = :to, captured = :captured, refunded = :refunded${to === 'REFUNDED' ? ', refundedAt = if_not_exists(refundedAt, :now)' : ''}`,
        ConditionExpression: '#status = :from',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':to': to, ':from': from, ':captured': moved.captured, ':refunded': moved.refunded, ...(to === 'REFUNDED' ? { ':now': now.toISOString() } : {}) },
      });
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  /**
   * Creates the row (AUTHORIZING), or finds where an earlier execution of the payment saga left it: the saga is Express,
   * run again from its start after a failure, and goes on from there. One write, never conditional: it fills only the
   * fields the row lacks and stamps `updatedAt` (the owed-releases sweep leaves a payment alone while an execution may
   * still run for it: at most five minutes after its Begin). A tombstone the refund saga left (the order was cancelled
   * first) answers CANCELLED, and so does a payment cancelled while it began.
   */
  async begin(request: PaymentRequest, now: Date): Promise<{ outcome: BeginOutcome }> {
    const { Attributes } = await this.update({
      Key: { orderId: request.orderId },
      UpdateExpression:
        'SET #status = if_not_exists(#status, :authorizing), paymentId = if_not_exists(paymentId, :paymentId), amount = if_not_exists(amount, :amount), ' +
        'currency = if_not_exists(currency, :currency), customerId = if_not_exists(customerId, :customerId), customerEmail = if_not_exists(customerEmail, :customerEmail), ' +
        'captured = if_not_exists(captured, :zero), refunded = if_not_exists(refunded, :zero), cancelRequested = if_not_exists(cancelRequested, :false), ' +
        'createdAt = if_not_exists(createdAt, :now), updatedAt = :updatedAt',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':authorizing': 'AUTHORIZING', ':paymentId': request.paymentId, ':amount': request.amount, ':currency': request.currency,
        ':customerId': request.customer.id, ':customerEmail': request.customer.email, ':zero': 0, ':false': false, ':now': now.toISOString(), ':updatedAt': now.getTime(),
      },
      ReturnValues: 'ALL_NEW',
    });
    return { outcome: beginOutcome(Attributes as PaymentRecord) };
  }

  /** AUTHORIZING → AUTHORIZED; answers whether the order was cancelled meanwhile (then the saga voids, never captures). */
  async markAuthorized(orderId: string): Promise<{ cancelRequested: boolean }> {
    try {
      const { Attributes } = await this.update({
        Key: { orderId },
        UpdateExpression: 'SET #status = :authorized',
        ConditionExpression: '#status = :authorizing',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':authorized': 'AUTHORIZED', ':authorizing': 'AUTHORIZING' },
        ReturnValues: 'ALL_NEW',
      });
      return { cancelRequested: Attributes?.cancelRequested === true };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const record = this.require(orderId, ['AUTHORIZED'], error);
      return { cancelRequested: record.cancelRequested };
    }
  }

  /**
   * AUTHORIZED → CAPTURED, unless the order was cancelled meanwhile or the payment-release saga has claimed the payment
   * (another execution of the payment saga failed and handed it over): then CANCELLED, and what was captured is given back.
   */
  async commitCapture(orderId: string, now: Date): Promise<CommitOutcome> {
    try {
      await this.update({
        Key: { orderId },
        UpdateExpression: 'SET #status = :captured, captured = amount, capturedAt = :now',
        ConditionExpression: '#status = :authorized AND cancelRequested <> :true AND attribute_not_exists(releasing)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':captured': 'CAPTURED', ':authorized': 'AUTHORIZED', ':true': true, ':now': now.toISOString() },
      });
      return 'CAPTURED';
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const record = this.require(orderId, ['AUTHORIZED', 'CAPTURED', 'REFUNDED'], error);
      // Still AUTHORIZED: the cancellation or the release came first. CAPTURED / REFUNDED: an earlier attempt committed.
      return record.status === 'AUTHORIZED' ? 'CANCELLED' : 'CAPTURED';
    }
  }

  /**
   * The payment-release saga's first step: claims a payment still in flight (AUTHORIZING / AUTHORIZED) for the release,
   * so that no execution of the payment saga commits its capture any more (commitCapture refuses it). The payment saga
   * is Express and may run twice at once: one execution can fail and hand the payment over while another captures.
   * False when the payment was settled first (CAPTURED by another execution, or already released): nothing to release.
   */
  async claimRelease(orderId: string): Promise<{ claimed: boolean }> {
    try {
      await this.update({
        Key: { orderId },
        UpdateExpression: 'SET releasing = :true',
        ConditionExpression: '#status IN (:authorizing, :authorized)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':true': true, ':authorizing': 'AUTHORIZING', ':authorized': 'AUTHORIZED' },
      });
      return { claimed: true };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      return { claimed: false };
    }
  }

  /**
   * → REFUNDED, refunded = captured = amount: from CAPTURED (the refund saga), or from AUTHORIZED when the order was
   * cancelled before commit (the payment saga captured, then refunded). Never twice: the second finds REFUNDED.
   */
  async markRefunded(orderId: string, now: Date): Promise<void> {
    try {
      await this.update({
        Key: { orderId },
        UpdateExpression: 'SET #status = :refunded, captured = amount, refunded = amount, refundedAt = :now',
        ConditionExpression: '#status = :captured OR (#status = :authorized AND cancelRequested = :true)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':refunded': 'REFUNDED', ':captured': 'CAPTURED', ':authorized': 'AUTHORIZED', ':true': true, ':now': now.toISOString() },
      });
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      this.require(orderId, ['REFUNDED'], error);
    }
  }

  /**
   * AUTHORIZING / AUTHORIZED → FAILED with why. Whatever the provider held was released before; `moved` is what it
   * captured and gave back (a capture whose answer was lost, then refunded), so the ledger agrees with the provider.
   */
  async markFailed(orderId: string, reason: PaymentFailureReason, message: string, now: Date, moved: { captured: number; refunded: number } = { captured: 0, refunded: 0 }): Promise<void> {
    try {
      await this.update({
        Key: { orderId },
        UpdateExpression: 'SET #status = :failed, failureReason = :reason, failureMessage = :message, failedAt = :now, captured = :captured, refunded = :refunded',
        ConditionExpression: '#status IN (:authorizing, :authorized)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':failed': 'FAILED', ':reason': reason, ':message': message, ':authorizing': 'AUTHORIZING', ':authorized': 'AUTHORIZED', ':now': now.toISOString(),
          ':captured': moved.captured, ':refunded': moved.refunded,
        },
      });
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      this.require(orderId, ['FAILED'], error);
    }
  }

  /**
   * The order was cancelled before capture: AUTHORIZING → CANCELLED (nothing was authorized) or AUTHORIZED → VOIDED
   * (the authorization was released). A tombstone is CANCELLED already.
   */
  async markCancelled(orderId: string, status: 'CANCELLED' | 'VOIDED'): Promise<void> {
    const from = status === 'CANCELLED' ? 'AUTHORIZING' : 'AUTHORIZED';
    // VOIDED is the payment-release saga's own write; CANCELLED (nothing authorized) is not once that saga has claimed it.
    const unclaimed = status === 'CANCELLED' ? ' AND attribute_not_exists(releasing)' : '';
    try {
      await this.update({
        Key: { orderId },
        UpdateExpression: 'SET #status = :to',
        ConditionExpression: `#status = :from AND cancelRequested = :true${unclaimed}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':to': status, ':from': from, ':true': true },
      });
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      this.require(orderId, [status], error);
    }
  }

  /**
   * The refund saga's first step: sets cancelRequested (creating a CANCELLED tombstone when the payment has not begun,
   * so that it never will) and answers the row as it was, which decides who gives the money back.
   */
  async requestCancellation(orderId: string, now: Date): Promise<CancellationRequested> {
    const { Attributes } = await this.update({
      Key: { orderId },
      UpdateExpression:
        'SET cancelRequested = :true, cancelRequestedAt = if_not_exists(cancelRequestedAt, :now), #status = if_not_exists(#status, :cancelled), ' +
        'captured = if_not_exists(captured, :zero), refunded = if_not_exists(refunded, :zero)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':true': true, ':now': now.toISOString(), ':cancelled': 'CANCELLED', ':zero': 0 },
      ReturnValues: 'ALL_OLD',
    });
    const old = Attributes as PaymentRecord | undefined;
    return { previousStatus: old?.status ?? 'ABSENT', captured: old?.captured ?? 0 };
  }

  private update(input: Omit<UpdateCommandInput, 'TableName'>) {
    // A conditional write that fails carries the row as it was (require reads it from there, not with a second request).
    const returnOnFailure = input.ConditionExpression ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {};
    return this.client.send(new UpdateCommand({ TableName: this.tableName, ...input, ...returnOnFailure }));
  }

  /**
   * The row after a false condition, from the failure itself: it must be in one of `expected` (an earlier attempt's
   * result), else the saga is lost.
   */
  private require(orderId: string, expected: PaymentStatus[], failure: unknown): PaymentRecord {
    const record = itemAsItWas<PaymentRecord>(failure as ConditionalCheckFailedException);
    if (!record || !expected.includes(record.status)) {
      throw new Error(`payment of order ${orderId} is ${record?.status ?? 'absent'}, expected ${expected.join(' or ')}`);
    }
    return record;
  }
}
