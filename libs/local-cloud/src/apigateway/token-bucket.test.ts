import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('starts full, lets a burst through, then refills at its rate up to the burst', () => {
    const bucket = new TokenBucket(3, 2, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(400)).toBe(false); // 0.8 of a token
    expect(bucket.take(500)).toBe(true); // 1 token after 500 ms at 2/s
    expect([bucket.take(60_000), bucket.take(60_000), bucket.take(60_000), bucket.take(60_000)]).toEqual([true, true, true, false]);
  });

  it('throttles every request when its burst is 0', () => {
    const bucket = new TokenBucket(0, 100, 0);
    expect([bucket.take(0), bucket.take(10_000)]).toEqual([false, false]);
  });
});
