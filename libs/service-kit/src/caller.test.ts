import { callerOf, mayRead } from './caller';

const event = (claims: Record<string, unknown> | undefined) => ({ requestContext: { authorizer: claims && { jwt: { claims, scopes: null } } } }) as never;

describe('callerOf', () => {
  it('takes the customer from the subject and the groups as API Gateway passes them ("[a b]")', () => {
    expect(callerOf(event({ sub: 'c-1', 'cognito:groups': '[admins ops]' }))).toEqual({ customerId: 'c-1', groups: ['admins', 'ops'], isAdmin: true });
    expect(callerOf(event({ sub: 'c-2', 'cognito:groups': ['ops'] }))).toEqual({ customerId: 'c-2', groups: ['ops'], isAdmin: false });
    expect(callerOf(event({ sub: 'c-3' }))).toEqual({ customerId: 'c-3', groups: [], isAdmin: false });
  });

  it('finds no caller without validated claims or a subject', () => {
    expect(callerOf(event(undefined))).toBeUndefined();
    expect(callerOf(event({ 'cognito:groups': '[admins]' }))).toBeUndefined();
  });

  it('lets the owner and admins read, no one else', () => {
    expect(mayRead({ customerId: 'a', groups: [], isAdmin: false }, 'a')).toBe(true);
    expect(mayRead({ customerId: 'a', groups: [], isAdmin: false }, 'b')).toBe(false);
    expect(mayRead({ customerId: 'a', groups: ['admins'], isAdmin: true }, 'b')).toBe(true);
  });
});
