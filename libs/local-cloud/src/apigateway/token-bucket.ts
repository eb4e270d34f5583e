/**
 * API Gateway's throttle: "the token bucket algorithm, where a token counts for a request", the burst being the
 * bucket's size and the rate its steady refill per second
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html). The bucket starts full, and
 * a burst of 0 throttles every request (what a stage whose limits are 0 does). Time is an argument, so that tests
 * move it.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly burst: number,
    readonly ratePerSecond: number,
    now = performance.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token if there is one. */
  take(now = performance.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
