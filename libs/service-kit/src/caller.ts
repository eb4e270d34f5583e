import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { json } from './http-responses';

/** The group whose members operate the shop (services/identity): they set stock and read every customer's data. */
export const ADMINS_GROUP = 'admins';

/** Who called a route, from the claims its JWT authorizer validated: the customer is the token's subject. */
export interface Caller {
  customerId: string;
  groups: string[];
  isAdmin: boolean;
}

/** What callerOf reads of an HTTP API event (payload format 2.0) whose route has a JWT authorizer. */
export interface AuthorizedEvent {
  requestContext?: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
}

/**
 * The caller of a route, or undefined when the event carries no validated subject (a route without an authorizer).
 * API Gateway hands array claims to the function as one string, `[a b]`; an array is taken as well.
 */
export function callerOf(event: AuthorizedEvent): Caller | undefined {
  const claims = event.requestContext?.authorizer?.jwt?.claims ?? {};
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') return undefined;
  const raw = claims['cognito:groups'];
  const groups = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean) : [];
  return { customerId: sub, groups, isAdmin: groups.includes(ADMINS_GROUP) };
}

/** Whether the caller may read what belongs to `ownerId`: its owner, or an admin. */
export const mayRead = (caller: Caller, ownerId: string | undefined): boolean => caller.isAdmin || caller.customerId === ownerId;

/** API Gateway's own answer to a request without a valid token, for a route that finds no caller. */
export const unauthorized = (): APIGatewayProxyStructuredResultV2 => json(401, { message: 'Unauthorized' });

/** 403 naming what the caller lacks. */
export const forbidden = (why: string): APIGatewayProxyStructuredResultV2 => json(403, { message: `Forbidden: ${why}` });
