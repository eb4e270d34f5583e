import { AsyncLocalStorage } from 'node:async_hooks';
import { AwsError } from '../errors';
import type { AccessKeys } from './access-keys';
import { accessDeniedError, signatureError } from './auth-errors';
import type { Authorizer, Caller } from './authorize';
import { requestActions, UNSIGNED_OPERATIONS, type Account, type RequestAction } from './request-actions';
import type { IncomingSignedRequest, SigV4Verifier, Verification } from './sigv4-verifier';

type Dispatch = (operation: string, input: any) => Promise<unknown>;

/** Throws the AwsError a service answers when the caller of the request being served may not make it. */
export type Authorize = (operation: string, input: any) => void;

/** For a service built without IAM (its unit tests). */
export const allowAll: Authorize = () => {};

/**
 * IAM on the request path. The endpoint `admit`s each AWS request: its signature is verified once, and the outcome is
 * held for the rest of that request (AsyncLocalStorage), so each service's own protocol layer, after it has parsed the
 * operation and input, asks `authorize` and answers a refusal in its own wire shape. The administrator skips policy
 * evaluation (it is allowed everything); with the authorizer disabled (LOCAL_CLOUD_IAM=off) no signature is checked
 * and nothing is denied, but the caller is still known from its key id (sts get-caller-identity answers it).
 */
export class RequestGuard {
  private readonly current = new AsyncLocalStorage<Verification>();

  constructor(
    private readonly verifier: SigV4Verifier,
    private readonly keys: AccessKeys,
    private readonly authorizer: Authorizer,
    private readonly account: Account,
  ) {}

  async admit<T>(request: IncomingSignedRequest, run: () => Promise<T>): Promise<T> {
    const verification = this.authorizer.enabled ? await this.verifier.verify(request) : this.unverified(request);
    return this.current.run(verification, run);
  }

  /** Who signed the request being served. Throws the signature's refusal, answered as `service` answers it. */
  caller(service: string): Caller {
    const verification = this.current.getStore();
    // Every request of the endpoint is admitted first; reaching here without one is a wiring bug, refused rather than let through.
    if (!verification) throw new AwsError('InternalFailure', `local IAM: a ${service} request reached its service without being admitted`, 500);
    if (!verification.ok) throw signatureError(service, verification.failure);
    return verification.caller;
  }

  /** Throws the service's AccessDenied (or the signature's refusal) unless the caller may make this request. */
  authorize(service: string, operation: string, input: unknown): void {
    const caller = this.caller(service);
    if (caller.kind === 'administrator' || !this.authorizer.enabled) return;
    for (const request of this.actionsOf(service, operation, input)) this.decide(service, caller, request);
  }

  /** `authorize` for one service, for a protocol layer that calls it itself. */
  authorizerFor(service: string): Authorize {
    return (operation, input) => this.authorize(service, operation, input);
  }

  /** A service's `dispatch`, authorized first. PutEvents is authorized entry by entry (see putEvents). */
  guarded(service: string, dispatch: Dispatch): Dispatch {
    return async (operation, input) => {
      if (UNSIGNED_OPERATIONS[service]?.has(operation)) return dispatch(operation, input);
      if (service === 'events' && operation === 'PutEvents') return this.putEvents(input, dispatch);
      this.authorize(service, operation, input);
      return dispatch(operation, input);
    };
  }

  /**
   * Each entry is authorized with its own `events:source` and `events:detail-type`. A denied entry fails alone, with
   * the AccessDeniedException error code PutEvents documents per entry; when every entry is denied, the call itself is
   * refused (AccessDeniedException), as AWS answers a caller with no permission for it.
   * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html
   */
  private async putEvents(input: any, dispatch: Dispatch): Promise<unknown> {
    const caller = this.caller('events');
    if (caller.kind === 'administrator' || !this.authorizer.enabled) return dispatch('PutEvents', input);
    const entries: unknown[] = Array.isArray(input?.Entries) ? input.Entries : [];
    const requests = this.actionsOf('events', 'PutEvents', input);
    const denials = requests.map((request) => this.denial(caller, request));
    const allowed = entries.filter((_entry, index) => !denials[index]);
    if (entries.length > 0 && allowed.length === 0) throw accessDeniedError('events', denials[0]!);
    if (allowed.length === entries.length) return dispatch('PutEvents', input);
    const answer = (await dispatch('PutEvents', { ...input, Entries: allowed })) as { FailedEntryCount: number; Entries: unknown[] };
    const results = [...answer.Entries];
    const merged = denials.map((denial) => (denial ? { ErrorCode: 'AccessDeniedException', ErrorMessage: denial } : results.shift()));
    return { ...answer, FailedEntryCount: answer.FailedEntryCount + denials.filter(Boolean).length, Entries: merged };
  }

  private actionsOf(service: string, operation: string, input: unknown): RequestAction[] {
    const requests = requestActions(service, operation, input, this.account);
    if (!requests) throw new AwsError('InternalFailure', `local IAM does not know what ${service} ${operation} asks (iam/request-actions.ts): refused`, 500);
    return requests;
  }

  private decide(service: string, caller: Caller, request: RequestAction): void {
    const denial = this.denial(caller, request);
    if (denial) throw accessDeniedError(service, denial);
  }

  private denial(caller: Caller, request: RequestAction): string | undefined {
    const decision = this.authorizer.authorize({ caller, ...request });
    return decision.allowed ? undefined : decision.message;
  }

  private unverified(request: IncomingSignedRequest): Verification {
    const accessKeyId = /Credential=([^/\s,]+)\//.exec(String(request.headers.authorization ?? ''))?.[1] ?? '';
    const lookup = this.keys.lookup(accessKeyId);
    return { ok: true, accessKeyId, caller: lookup.found ? lookup.identity.caller : { kind: 'administrator' } };
  }
}
