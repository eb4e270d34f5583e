import { EMF_PATH, looksLikeEmf } from '../../libs/local-cloud/src/index';

/**
 * Under `npm start` the functions run in serverless offline, whose output this process reads line by line: the lines
 * in Embedded Metric Format (what Powertools Metrics writes) go to the emulator's `POST /_local/cloudwatch/emf`, as
 * CloudWatch Logs would extract their metrics on AWS. Lines are sent in batches, one request at a time.
 */
export class EmfForwarder {
  private pending: string[] = [];
  private sending: Promise<void> = Promise.resolve();
  private scheduled = false;
  private warned = false;

  constructor(
    private readonly endpoint: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Takes one output line; forwards it if it is an EMF document (from its first `{`: a prefix is not part of it). */
  offer(line: string): void {
    const start = line.indexOf('{');
    if (start < 0 || !looksLikeEmf(line.slice(start))) return;
    this.pending.push(line.slice(start));
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.sending = this.sending.then(() => this.send());
    });
  }

  /** Resolves once every line offered so far was sent. */
  async flush(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await this.sending;
  }

  private async send(): Promise<void> {
    const lines = this.pending;
    this.pending = [];
    if (lines.length === 0) return;
    try {
      const answer = await fetch(`${this.endpoint}${EMF_PATH}`, { method: 'POST', body: lines.join('\n') });
      const { rejected = [] } = (await answer.json()) as { rejected?: Array<{ reason: string }> };
      for (const { reason } of rejected) this.log(`EMF line not taken as metrics: ${reason}`);
    } catch (error) {
      // The emulator stopping (Ctrl-C) ends the forwarding; say so once rather than for every line.
      if (!this.warned) this.log(`EMF lines not forwarded to ${this.endpoint}: ${(error as Error).message}`);
      this.warned = true;
    }
  }
}
