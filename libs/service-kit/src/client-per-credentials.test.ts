import { clientPerCredentials } from './client-per-credentials';

describe('clientPerCredentials', () => {
  const saved = process.env.AWS_ACCESS_KEY_ID;
  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = saved;
  });

  it('keeps one client per access key in the environment: a function never gets a client made with another role', () => {
    let made = 0;
    const client = clientPerCredentials(() => ({ id: ++made }));
    process.env.AWS_ACCESS_KEY_ID = 'ASIAFUNCTIONA0000000';
    const first = client();
    expect(client()).toBe(first);
    process.env.AWS_ACCESS_KEY_ID = 'ASIAFUNCTIONB0000000';
    expect(client()).not.toBe(first);
    process.env.AWS_ACCESS_KEY_ID = 'ASIAFUNCTIONA0000000';
    expect(client()).toBe(first);
    expect(made).toBe(2);
  });
});
