import type { Cloud } from '../cloud';
import { AwsError, validationError } from '../errors';
import type { EventBridgeEvent } from './delivery';
import { MAX_ACTIVE_REPLAYS, requireName, requireString, requireTime } from './limits';
import { compilePattern, type EventMatcher } from './pattern';

/** What the archives need from the service that owns the buses and rules. */
export interface ArchiveHost {
  busExists(busArn: string): boolean;
  ruleExists(busArn: string, ruleArn: string): boolean;
  /** Matches `event` against the bus's enabled rules (only `filterArns` rules when given) and delivers it. */
  redeliver(busArn: string, event: EventBridgeEvent, filterArns: string[] | undefined): void;
  /** Keeps a running replay pending for the service's drain(). */
  track(work: Promise<void>): void;
}

interface ArchivedEvent {
  event: EventBridgeEvent;
  archivedAt: number;
  sizeBytes: number;
}

interface Archive {
  name: string;
  arn: string;
  eventSourceArn: string;
  description?: string;
  eventPattern?: string;
  matcher?: EventMatcher;
  retentionDays: number;
  creationTime: number;
  events: ArchivedEvent[];
}

type ReplayState = 'STARTING' | 'RUNNING' | 'CANCELLING' | 'COMPLETED' | 'CANCELLED';

interface Replay {
  name: string;
  arn: string;
  description?: string;
  state: ReplayState;
  eventSourceArn: string;
  destination: { Arn: string; FilterArns?: string[] };
  eventStartTime: number;
  eventEndTime: number;
  eventLastReplayedTime?: number;
  replayStartTime: number;
  replayEndTime?: number;
}

const DAY_MS = 86_400_000;
/** JSON protocols carry timestamps as epoch seconds. */
const epochSeconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

/**
 * Archives and replays (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-archive.html).
 * Events are archived when they reach their bus, before rule matching; replayed events are never archived.
 * AWS replays by event time in one-minute slices and does not promise any order; the emulator replays
 * in archive order, which consumers must not rely on either.
 */
export class EventArchives {
  private readonly archives = new Map<string, Archive>();
  private readonly replays = new Map<string, Replay>();

  constructor(
    private readonly cloud: Cloud,
    private readonly host: ArchiveHost,
  ) {}

  /**
   * Stores `event` in every archive of its bus whose pattern (if any) matches. Called for events put on a
   * bus only: a replay hands its events straight to the rules (host.redeliver), so they are never archived again.
   */
  archive(busArn: string, event: EventBridgeEvent): void {
    const now = Date.now();
    for (const archive of this.archives.values()) {
      if (archive.eventSourceArn !== busArn || (archive.matcher && !archive.matcher(event))) continue;
      this.expire(archive, now);
      archive.events.push({ event, archivedAt: now, sizeBytes: Buffer.byteLength(JSON.stringify(event)) });
    }
  }

  createArchive(input: {
    ArchiveName?: string;
    EventSourceArn?: string;
    Description?: string;
    EventPattern?: string;
    RetentionDays?: number;
  }) {
    const name = requireName(input.ArchiveName, 'archiveName', 48);
    const eventSourceArn = requireString(input.EventSourceArn, 'eventSourceArn');
    if (this.archives.has(name)) throw new AwsError('ResourceAlreadyExistsException', `Archive ${name} already exists.`);
    if (!this.host.busExists(eventSourceArn)) throw new AwsError('ResourceNotFoundException', `Event bus ${eventSourceArn} does not exist.`);
    const retentionDays = input.RetentionDays ?? 0;
    if (!Number.isInteger(retentionDays) || retentionDays < 0) {
      throw validationError(`1 validation error detected: Value '${retentionDays}' at 'retentionDays' failed to satisfy constraint: Member must have value greater than or equal to 0`);
    }
    const archive: Archive = {
      name,
      arn: this.cloud.arn('events', `archive/${name}`),
      eventSourceArn,
      description: input.Description,
      eventPattern: input.EventPattern,
      matcher: input.EventPattern === undefined ? undefined : compilePattern(input.EventPattern),
      retentionDays,
      creationTime: Date.now(),
      events: [],
    };
    this.archives.set(name, archive);
    return { ArchiveArn: archive.arn, State: 'ENABLED', CreationTime: epochSeconds(archive.creationTime) };
  }

  describeArchive(input: { ArchiveName?: string }) {
    const archive = this.archiveNamed(requireString(input.ArchiveName, 'archiveName'));
    return {
      ArchiveArn: archive.arn,
      ArchiveName: archive.name,
      EventSourceArn: archive.eventSourceArn,
      Description: archive.description,
      EventPattern: archive.eventPattern,
      ...this.summary(archive),
    };
  }

  listArchives(input: { NamePrefix?: string; EventSourceArn?: string; State?: string }) {
    const archives = [...this.archives.values()]
      .filter((archive) => !input.NamePrefix || archive.name.startsWith(input.NamePrefix))
      .filter((archive) => !input.EventSourceArn || archive.eventSourceArn === input.EventSourceArn)
      .filter(() => !input.State || input.State === 'ENABLED')
      .map((archive) => ({ ArchiveName: archive.name, EventSourceArn: archive.eventSourceArn, ...this.summary(archive) }));
    return { Archives: archives };
  }

  deleteArchive(input: { ArchiveName?: string }) {
    this.archives.delete(this.archiveNamed(requireString(input.ArchiveName, 'archiveName')).name);
    return {};
  }

  startReplay(input: {
    ReplayName?: string;
    Description?: string;
    EventSourceArn?: string;
    EventStartTime?: unknown;
    EventEndTime?: unknown;
    Destination?: { Arn?: string; FilterArns?: string[] };
  }) {
    const name = requireName(input.ReplayName, 'replayName', 64);
    const archive = this.archiveNamed(archiveNameOf(requireString(input.EventSourceArn, 'eventSourceArn')));
    const start = requireTime(input.EventStartTime, 'eventStartTime');
    const end = requireTime(input.EventEndTime, 'eventEndTime');
    const destinationArn = requireString(input.Destination?.Arn, 'destination.arn');
    const filterArns = input.Destination?.FilterArns?.length ? input.Destination.FilterArns : undefined;
    if (this.replays.has(name)) throw new AwsError('ResourceAlreadyExistsException', `Replay ${name} already exists.`);
    if (start >= end) throw validationError('Parameter EventStartTime is not valid. Reason: EventStartTime must be before EventEndTime.');
    // "You can replay events only to the event bus specified to create the archive" (API_ReplayDestination).
    if (destinationArn !== archive.eventSourceArn) {
      throw validationError(`Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted; archive ${archive.name} holds events of ${archive.eventSourceArn}.`);
    }
    for (const ruleArn of filterArns ?? []) {
      if (!this.host.ruleExists(destinationArn, ruleArn)) {
        throw validationError(`Parameter Destination.FilterArns is not valid. Reason: Rule ${ruleArn} does not exist on ${destinationArn}.`);
      }
    }
    const active = [...this.replays.values()].filter((replay) => ['STARTING', 'RUNNING', 'CANCELLING'].includes(replay.state));
    if (active.length >= MAX_ACTIVE_REPLAYS) {
      throw new AwsError('LimitExceededException', `The maximum of ${MAX_ACTIVE_REPLAYS} active replays is reached.`);
    }
    const replay: Replay = {
      name,
      arn: this.cloud.arn('events', `replay/${name}`),
      description: input.Description,
      state: 'STARTING',
      eventSourceArn: archive.arn,
      destination: { Arn: destinationArn, ...(filterArns ? { FilterArns: filterArns } : {}) },
      eventStartTime: start,
      eventEndTime: end,
      replayStartTime: Date.now(),
    };
    this.replays.set(name, replay);
    this.host.track(this.run(replay, archive));
    return { ReplayArn: replay.arn, State: replay.state, ReplayStartTime: epochSeconds(replay.replayStartTime) };
  }

  describeReplay(input: { ReplayName?: string }) {
    const replay = this.replayNamed(requireString(input.ReplayName, 'replayName'));
    return {
      ReplayName: replay.name,
      ReplayArn: replay.arn,
      Description: replay.description,
      Destination: replay.destination,
      ...this.replaySummary(replay),
    };
  }

  listReplays(input: { NamePrefix?: string; State?: string; EventSourceArn?: string }) {
    const replays = [...this.replays.values()]
      .filter((replay) => !input.NamePrefix || replay.name.startsWith(input.NamePrefix))
      .filter((replay) => !input.State || replay.state === input.State)
      .filter((replay) => !input.EventSourceArn || replay.eventSourceArn === input.EventSourceArn)
      .map((replay) => ({ ReplayName: replay.name, ...this.replaySummary(replay) }));
    return { Replays: replays };
  }

  cancelReplay(input: { ReplayName?: string }) {
    const replay = this.replayNamed(requireString(input.ReplayName, 'replayName'));
    if (replay.state !== 'STARTING' && replay.state !== 'RUNNING') {
      throw new AwsError('IllegalStatusException', `Replay ${replay.name} is ${replay.state}; only a STARTING or RUNNING replay can be cancelled.`);
    }
    replay.state = 'CANCELLING';
    return { ReplayArn: replay.arn, State: replay.state };
  }

  private async run(replay: Replay, archive: Archive): Promise<void> {
    // Read through a function: cancelReplay changes the state while this loop awaits.
    const cancelling = () => replay.state === 'CANCELLING';
    await nextTurn();
    if (cancelling()) return this.finish(replay, 'CANCELLED');
    replay.state = 'RUNNING';
    this.expire(archive, Date.now());
    const inWindow = archive.events.filter(({ event }) => {
      const time = Date.parse(event.time);
      return time >= replay.eventStartTime && time < replay.eventEndTime;
    });
    for (const { event } of inWindow) {
      if (cancelling()) return this.finish(replay, 'CANCELLED');
      this.host.redeliver(replay.destination.Arn, { ...event, 'replay-name': replay.name }, replay.destination.FilterArns);
      replay.eventLastReplayedTime = Date.parse(event.time);
      await nextTurn();
    }
    this.finish(replay, cancelling() ? 'CANCELLED' : 'COMPLETED');
  }

  private finish(replay: Replay, state: 'COMPLETED' | 'CANCELLED'): void {
    replay.state = state;
    replay.replayEndTime = Date.now();
    this.cloud.record({ service: 'events', type: `replay.${state.toLowerCase()}`, replayName: replay.name });
  }

  /** RetentionDays is an explicit API value, so it runs on the real clock (0 keeps events forever). */
  private expire(archive: Archive, now: number): void {
    if (archive.retentionDays > 0) archive.events = archive.events.filter((entry) => now - entry.archivedAt < archive.retentionDays * DAY_MS);
  }

  private summary(archive: Archive) {
    this.expire(archive, Date.now());
    return {
      State: 'ENABLED',
      RetentionDays: archive.retentionDays,
      SizeBytes: archive.events.reduce((size, entry) => size + entry.sizeBytes, 0),
      EventCount: archive.events.length,
      CreationTime: epochSeconds(archive.creationTime),
    };
  }

  private replaySummary(replay: Replay) {
    return {
      EventSourceArn: replay.eventSourceArn,
      State: replay.state,
      EventStartTime: epochSeconds(replay.eventStartTime),
      EventEndTime: epochSeconds(replay.eventEndTime),
      EventLastReplayedTime: epochSeconds(replay.eventLastReplayedTime),
      ReplayStartTime: epochSeconds(replay.replayStartTime),
      ReplayEndTime: epochSeconds(replay.replayEndTime),
    };
  }

  private archiveNamed(name: string): Archive {
    const archive = this.archives.get(name);
    if (!archive) throw new AwsError('ResourceNotFoundException', `Archive ${name} does not exist.`);
    return archive;
  }

  private replayNamed(name: string): Replay {
    const replay = this.replays.get(name);
    if (!replay) throw new AwsError('ResourceNotFoundException', `Replay ${name} does not exist.`);
    return replay;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `arn:aws:events:<region>:<account>:archive/<name>` → name (a bare name is accepted too). */
function archiveNameOf(arnOrName: string): string {
  const marker = ':archive/';
  const at = arnOrName.indexOf(marker);
  return at < 0 ? arnOrName : arnOrName.slice(at + marker.length);
}
