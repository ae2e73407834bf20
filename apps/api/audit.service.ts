import {
  BoundError, diffTimeline, DiffOrderError, familyEvents, hasMerges, readStoryFamily, ReplayBound, ReplaySnapshot, replayFamily, replayStory, ReplayResult,
  replaySummary, snapshotServes, statementHistory, StatementHistory, TimelineDiff,
} from '@timeline/audit';
import { ReplayEvent, storyStream } from '@timeline/events';
import type { PgEventLog, VerifyReport } from '@timeline/event-log';
import { pageLines, type AuditQueries, type TimelineCursor, type TimelineFilter } from '@timeline/read-model';

export const AUDIT = Symbol('AuditService');

/** Thrown when the story or statement does not exist (HTTP 404). */
export class AuditNotFoundError extends Error {}
/** Thrown for unusable parameters (HTTP 400); `param` names the query parameter. */
export class AuditBadRequestError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The audit side of the API: as-of replay, diffs and statement histories are
 * computed from the log with the projector's `evolve` (never from the live
 * read-model tables); verification recomputes the hash chains.
 */
export class AuditService {
  /** Folded states of recent as-of replays, per story (see asOf). */
  private readonly snapshots = new Map<string, ReplaySnapshot>();

  constructor(
    private readonly log: PgEventLog,
    private readonly q: AuditQueries,
    /** Stories whose last as-of state is kept (least recently used dropped). */
    private readonly maxSnapshots = 32,
  ) {}

  private static sqlBound(bound: ReplayBound): { toGlobalPosition?: string; asOf?: string } {
    return bound.kind === 'position' ? { toGlobalPosition: bound.globalPosition } : bound.kind === 'time' ? { asOf: bound.asOf } : {};
  }

  /** The story's stream within the bound, one query (AuditQueries.replayEvents). @throws AuditNotFoundError for an unknown story. */
  private async stream(storyId: string, bound: ReplayBound, afterStreamPosition = 0): Promise<ReplayEvent[]> {
    const streamId = storyStream(storyId);
    const events = await this.q.replayEvents(streamId, AuditService.sqlBound(bound), afterStreamPosition);
    if (events.length === 0 && afterStreamPosition === 0) {
      const head = await this.q.streamHead(streamId);
      if (!head || head.position === 0) throw new AuditNotFoundError(`no story ${storyId}`);
    }
    return events;
  }

  /**
   * Replay one story up to a bound. Snapshots: the folded state each replay
   * reaches is kept per story (the last one, for `maxSnapshots` stories);
   * the next replay whose bound covers every event of that prefix
   * (snapshotServes) reads only the events after it and folds them on a
   * copy, with the same `evolve`, so the answer is the one a replay from
   * the start gives (the fold is deterministic and the log append-only; a
   * row edited behind the writer's back is `audit verify`'s business). An
   * earlier moment than the snapshot's replays from the start.
   *
   * Merges: a story whose stream (within the bound) has a StoriesMerged
   * belongs to a merge family; its state depends on the other members'
   * streams (late events of a merged story land on the survivor), so it is
   * replayed as a whole family (replayFamily, the projector's fold), from
   * the start, and never from or into a snapshot: a snapshot of one stream
   * cannot see the other streams' newer events. `survivor` names the story
   * holding its statements at the bound when that is another one.
   * @throws AuditNotFoundError when the story's stream has no events at all.
   */
  async asOf(storyId: string, bound: ReplayBound): Promise<ReplayResult & { survivor?: string | null }> {
    const snap = this.snapshots.get(storyId);
    const from = snap && snapshotServes(snap, bound) ? snap : undefined;
    const events = await this.stream(storyId, bound, from?.reflects.streamPosition ?? 0);
    if (hasMerges(events)) {
      this.snapshots.delete(storyId);
      const own = from ? await this.stream(storyId, bound) : events;
      return replayFamily(storyId, await this.familyStreams(storyId, bound, own), bound);
    }
    const r = replayStory(storyId, events, bound, from);
    this.snapshots.delete(storyId);
    this.snapshots.set(storyId, r.snapshot);
    while (this.snapshots.size > this.maxSnapshots) this.snapshots.delete(this.snapshots.keys().next().value!);
    return r;
  }

  /**
   * The streams of a story's merge family within a bound (readStoryFamily),
   * `storyId`'s own first.
   * @param own `storyId`'s events within the bound, when already read.
   * @throws AuditNotFoundError when the story's stream has no events at all.
   */
  private async familyStreams(storyId: string, bound: ReplayBound, own?: ReplayEvent[]): Promise<Map<string, readonly ReplayEvent[]>> {
    const sql = AuditService.sqlBound(bound);
    return readStoryFamily(storyId, (id) => this.q.replayEvents(storyStream(id), sql), own ?? (await this.stream(storyId, bound)));
  }

  /**
   * What every as-of answer carries besides its statements: `story`
   * (replaySummary), `reflects` and, when the story had been merged into
   * another by the bound, `mergedInto` (the survivor holding its statements
   * then, followed through later merges; never the story itself).
   */
  private static asOfHead(r: ReplayResult & { survivor?: string | null }) {
    return {
      story: replaySummary(r),
      reflects: { mode: 'replay' as const, orderedBy: 'saidAt' as const, ...r.reflects },
      ...(r.survivor ? { mergedInto: r.survivor } : {}),
    };
  }

  /**
   * As-of answer in the API's shape: `{ story, statements, reflects }`, and
   * `mergedInto` (asOfHead) when the story had been merged into another by
   * then. Every statement of the timeline (a page: asOfPage).
   */
  async asOfTimeline(storyId: string, bound: ReplayBound) {
    const r = await this.asOf(storyId, bound);
    return { ...AuditService.asOfHead(r), statements: r.entries };
  }

  /**
   * One page of an as-of answer, as GET /stories/:id/timeline?asOf|position
   * returns it: `{ story, statements, reflects, nextCursor }`, and
   * `mergedInto` as asOfTimeline. The story is replayed by asOf (its own
   * stream, or its whole merge family with replayFamily when the stream has a
   * merge); filtering and paging are pageTimeline's (pageLines), and only
   * the lines the page looks at are built, not every line of the story.
   * @throws AuditNotFoundError when the story's stream has no events at all.
   */
  async asOfPage(storyId: string, bound: ReplayBound, page: { filter: TimelineFilter; limit: number; after?: TimelineCursor }) {
    const r = await this.asOf(storyId, bound);
    const p = pageLines(r.ordered, r.line, page.filter, page.limit, page.after);
    return { ...AuditService.asOfHead(r), statements: p.statements, nextCursor: p.nextCursor };
  }

  /**
   * Diff between two moments: both ends are the as-of answers of the story's
   * merge family (diffTimeline over readStoryFamily's streams); or, for a
   * story merged into another by the head of the log, `{ mergedInto }` (its
   * survivor, as survivorOf: the route redirects there) and no diff. One
   * read of the family serves both.
   * @throws AuditNotFoundError for an unknown story; AuditBadRequestError when from lies after to (not checked
   *   for a merged story).
   */
  async diff(storyId: string, from: ReplayBound, to: ReplayBound): Promise<{ diff: TimelineDiff } | { mergedInto: string }> {
    const streams = await this.familyStreams(storyId, { kind: 'head' });
    const mergedInto = AuditService.survivorIn(storyId, streams);
    if (mergedInto) return { mergedInto };
    try {
      return { diff: diffTimeline(storyId, streams, from, to) };
    } catch (err) {
      if (err instanceof DiffOrderError) throw new AuditBadRequestError('from', err.message);
      throw err;
    }
  }

  /**
   * Where a story id leads at the head of the log: the survivor holding its
   * statements (followed through later merges), or null when it holds them
   * itself. Read from the log (the audit never reads the live tables for
   * answers).
   * @throws AuditNotFoundError for an unknown story.
   */
  async survivorOf(storyId: string): Promise<string | null> {
    return AuditService.survivorIn(storyId, await this.familyStreams(storyId, { kind: 'head' }));
  }

  /** survivorOf over the family's streams at the head (familyStreams; one stream, read alone, for a story never merged). */
  private static survivorIn(storyId: string, streams: ReadonlyMap<string, readonly ReplayEvent[]>): string | null {
    return hasMerges(streams.get(storyId) ?? []) ? replayFamily(storyId, streams).survivor : null;
  }

  /**
   * Every event that touched a statement.
   * @throws AuditNotFoundError when no event records the statement.
   */
  async history(statementId: string): Promise<StatementHistory> {
    const storyId = await this.q.storyOfStatement(statementId);
    if (!storyId) throw new AuditNotFoundError(`no statement ${statementId}`);
    const h = statementHistory(storyId, statementId, familyEvents(await this.familyStreams(storyId, { kind: 'head' })));
    if (!h) throw new AuditNotFoundError(`no statement ${statementId}`);
    return h;
  }

  /** Recompute every hash chain (PgEventLog.verifyChains), timed. */
  async verify(): Promise<VerifyReport & { durationMs: number; eventsPerSecond: number }> {
    const t0 = performance.now();
    const report = await this.log.verifyChains();
    const durationMs = Math.round(performance.now() - t0);
    return { ...report, durationMs, eventsPerSecond: durationMs > 0 ? Math.round((report.eventsChecked * 1000) / durationMs) : report.eventsChecked };
  }
}

/** Map audit errors to Nest HTTP exceptions. */
export function rethrowHttp(err: unknown, http: { notFound: (m: string) => Error; badRequest: (m: object) => Error }): never {
  if (err instanceof AuditNotFoundError) throw http.notFound(err.message);
  if (err instanceof AuditBadRequestError) throw http.badRequest({ statusCode: 400, message: err.message, field: err.param });
  if (err instanceof BoundError) throw http.badRequest({ statusCode: 400, message: err.message, field: err.param });
  throw err;
}
