/**
 * npm run replay -- --archive <name> --from <ISO time> [--to <ISO time>] [--rule <rule ARN> ...]
 *
 * Re-delivers the archived events of a time window to the archive's bus (only to the given rules, if any) and waits
 * for the replay to finish. Replayed events carry a `replay-name` field. EventBridge does not keep their order:
 * consumers must not depend on order, and must be idempotent (they see events again).
 * Locally, AWS_ENDPOINT_URL points the client at the emulator.
 */
import { parseArgs } from 'node:util';
import { DescribeArchiveCommand, DescribeReplayCommand, EventBridgeClient, StartReplayCommand } from '@aws-sdk/client-eventbridge';

export interface ReplayOptions {
  archiveName: string;
  from: Date;
  to?: Date;
  /** Only these rules of the bus get the replayed events (Destination.FilterArns). */
  ruleArns?: string[];
  replayName?: string;
  client?: EventBridgeClient;
  pollMs?: number;
}

export interface ReplayResult {
  replayName: string;
  state: string;
  reason?: string;
}

export async function replayArchive(options: ReplayOptions): Promise<ReplayResult> {
  const client = options.client ?? new EventBridgeClient({});
  const archive = await client.send(new DescribeArchiveCommand({ ArchiveName: options.archiveName }));
  const busArn = archive.EventSourceArn!;
  const replayName = options.replayName ?? `${options.archiveName}-${Date.now()}`.slice(0, 64);
  await client.send(
    new StartReplayCommand({
      ReplayName: replayName,
      EventSourceArn: archive.ArchiveArn,
      EventStartTime: options.from,
      EventEndTime: options.to ?? new Date(),
      Destination: { Arn: busArn, ...(options.ruleArns?.length ? { FilterArns: options.ruleArns } : {}) },
    }),
  );
  for (;;) {
    const replay = await client.send(new DescribeReplayCommand({ ReplayName: replayName }));
    if (replay.State === 'COMPLETED' || replay.State === 'FAILED' || replay.State === 'CANCELLED') {
      return { replayName, state: replay.State, reason: replay.StateReason };
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1_000));
  }
}

if (require.main === module) {
  const { values } = parseArgs({ options: { archive: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, rule: { type: 'string', multiple: true } } });
  const from = values.from ? new Date(values.from) : undefined;
  if (!values.archive || !from || Number.isNaN(from.getTime()) || (values.to && Number.isNaN(new Date(values.to).getTime()))) {
    console.error('usage: npm run replay -- --archive <name> --from <ISO time> [--to <ISO time>] [--rule <rule ARN> ...]');
    process.exit(2);
  }
  replayArchive({ archiveName: values.archive, from, to: values.to ? new Date(values.to) : undefined, ruleArns: values.rule }).then(
    (result) => {
      console.log(`replay ${result.replayName}: ${result.state}${result.reason ? ` (${result.reason})` : ''}`);
      process.exit(result.state === 'COMPLETED' ? 0 : 1);
    },
    (error: unknown) => {
      console.error(`replay failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
