/** What tests of code that records business metrics read back (not exported by the package's index: not bundled). */
export interface EmittedMetric {
  namespace: string;
  name: string;
  unit: string;
  value: number;
  dimensions: Record<string, string>;
}

interface EmfLine {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [key: string]: unknown;
}

const asEmf = (line: string): EmfLine | undefined => {
  try {
    const parsed = JSON.parse(line) as Partial<EmfLine>;
    return parsed._aws?.CloudWatchMetrics ? (parsed as EmfLine) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Runs `work` with metrics enabled and answers its result and the metrics it emitted, read from the Embedded Metric
 * Format lines Powertools writes to standard output (other output passes through).
 */
export async function captureMetrics<T>(work: () => Promise<T> | T): Promise<{ result: T; metrics: EmittedMetric[] }> {
  const metrics: EmittedMetric[] = [];
  const write = process.stdout.write;
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    const lines = String(chunk).split('\n').filter(Boolean);
    const emf = lines.map(asEmf);
    if (emf.every(Boolean)) {
      for (const line of emf as EmfLine[]) {
        for (const { Namespace, Dimensions, Metrics } of line._aws.CloudWatchMetrics) {
          const dimensions = Object.fromEntries((Dimensions[0] ?? []).map((d) => [d, String(line[d])]));
          for (const { Name, Unit } of Metrics) metrics.push({ namespace: Namespace, name: Name, unit: Unit, value: line[Name] as number, dimensions });
        }
      }
      return true;
    }
    return write.call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    return { result: await work(), metrics };
  } finally {
    process.stdout.write = write;
    if (disabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = disabled;
  }
}

/**
 * The requestContext of an HTTP API event whose JWT authorizer let `customerId` in (with `groups`), as API Gateway
 * passes the claims: strings, the groups as `[a b]`.
 */
export const signedIn = (customerId: string, groups: string[] = []) => ({
  authorizer: { jwt: { claims: { sub: customerId, ...(groups.length > 0 && { 'cognito:groups': `[${groups.join(' ')}]` }) }, scopes: null } },
});
