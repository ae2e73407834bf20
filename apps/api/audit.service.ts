import {
  BoundError, diffTimeline, DiffOrderError, mergedStoriesIn, ReplayBound, ReplaySnapshot, replayStory, ReplayResult, replaySummary, snapshotServes,
  statementHistory, StatementHistory, TimelineDiff,
} from '@timeline/audit';
import { ReplayEvent, storyStream } from '@timeline/events';
import type { StoryTimeline } from '@timeline/timeline';
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
   * Merges: when the events folded include a StoriesMerged of this story
   * (the survivor), the merged stories are replayed to the same bound too
   * (recursively: they may have absorbed others) and absorbed at the merge,
   * so the answer after the merge is the union, before it the story alone.
   * @throws AuditNotFoundError when the story's stream has no events at all.
   */
  async asOf(storyId: string, bound: ReplayBound, depth = 0): Promise<ReplayResult> {
    const snap = this.snapshots.get(storyId);
    const from = snap && snapshotServes(snap, bound) ? snap : undefined;
    const events = await this.stream(storyId, bound, from?.reflects.streamPosition ?? 0);
    const merged = await this.mergedStates(storyId, events, bound, depth);
    const r = replayStory(storyId, events, bound, from, merged);
    this.snapshots.delete(storyId);
    this.snapshots.set(storyId, r.snapshot);
    while (this.snapshots.size > this.maxSnapshots) this.snapshots.delete(this.snapshots.keys().next().value!);
    return r;
  }

  /** States, at `bound`, of the stories `events` merge into `storyId` (undefined when none). */
  private async mergedStates(storyId: string, events: readonly ReplayEvent[], bound: ReplayBound, depth: number): Promise<Map<string, StoryTimeline> | undefined> {
    const ids = mergedStoriesIn(storyId, events);
    if (!ids.length || depth >= 16) return undefined;
    const out = new Map<string, StoryTimeline>();
    for (const id of ids) out.set(id, (await this.asOf(id, bound, depth + 1)).state);
    return out;
  }

  /**
   * As-of answer in the API's shape: `{ story, statements, reflects }`, and
   * `mergedInto` (the survivor's id) when the story had been merged into
   * another by then (its statements are the survivor's at that moment).
   * Every statement of the timeline (a page: asOfPage).
   */
  async asOfTimeline(storyId: string, bound: ReplayBound) {
    const r = await this.asOf(storyId, bound);
    return {
      story: replaySummary(r),
      statements: r.entries,
      reflects: { mode: 'replay' as const, orderedBy: 'saidAt' as const, ...r.reflects },
      ...(r.state.mergedInto ? { mergedInto: r.state.mergedInto } : {}),
    };
  }

  /**
   * One page of an as-of answer, as GET /stories/:id/timeline?asOf|position
   * returns it: `{ story, statements, reflects, nextCursor }`, and
   * `mergedInto` as asOfTimeline. The whole stream up to the bound is
   * replayed (asOf: merged stories' streams too, to the same bound, absorbed
   * at the merge); filtering and paging are pageTimeline's (pageLines), and
   * only the lines the page looks at are built, not every line of the story.
   * @throws AuditNotFoundError when the story's stream has no events at all.
   */
  async asOfPage(storyId: string, bound: ReplayBound, page: { filter: TimelineFilter; limit: number; after?: TimelineCursor }) {
    const r = await this.asOf(storyId, bound);
    const p = pageLines(r.ordered, r.line, page.filter, page.limit, page.after);
    return {
      story: replaySummary(r),
      statements: p.statements,
      reflects: { mode: 'replay' as const, orderedBy: 'saidAt' as const, ...r.reflects },
      nextCursor: p.nextCursor,
      ...(r.state.mergedInto ? { mergedInto: r.state.mergedInto } : {}),
    };
  }

  /**
   * Diff between two moments.
   * @throws AuditNotFoundError for an unknown story; AuditBadRequestError when from lies after to.
   */
  async diff(storyId: string, from: ReplayBound, to: ReplayBound): Promise<TimelineDiff> {
    const events = await this.stream(storyId, { kind: 'head' });
    const ids = mergedStoriesIn(storyId, events);
    const merged = ids.length
      ? { from: (await this.mergedStates(storyId, events, from, 0)) ?? new Map(), to: (await this.mergedStates(storyId, events, to, 0)) ?? new Map() }
      : undefined;
    try {
      return diffTimeline(storyId, events, from, to, merged);
    } catch (err) {
      if (err instanceof DiffOrderError) throw new AuditBadRequestError('from', err.message);
      throw err;
    }
  }

  /**
   * Every event that touched a statement.
   * @throws AuditNotFoundError when no event records the statement.
   */
  async history(statementId: string): Promise<StatementHistory> {
    const storyId = await this.q.storyOfStatement(statementId);
    if (!storyId) throw new AuditNotFoundError(`no statement ${statementId}`);
    const h = statementHistory(storyId, statementId, await this.family(storyId));
    if (!h) throw new AuditNotFoundError(`no statement ${statementId}`);
    return h;
  }

  /**
   * The events of a story and of every story merged into it (recursively),
   * in global-position order: what a statement history folds.
   */
  private async family(storyId: string): Promise<ReplayEvent[]> {
    const seen = new Set<string>();
    const all: ReplayEvent[] = [];
    const visit = async (id: string, first: boolean): Promise<void> => {
      if (seen.has(id) || seen.size >= 64) return;
      seen.add(id);
      const events = first ? await this.stream(id, { kind: 'head' }) : await this.q.replayEvents(storyStream(id));
      all.push(...events);
      for (const m of mergedStoriesIn(id, events)) await visit(m, false);
    };
    await visit(storyId, true);
    if (seen.size > 1) all.sort((a, b) => (BigInt(a.globalPosition) < BigInt(b.globalPosition) ? -1 : BigInt(a.globalPosition) > BigInt(b.globalPosition) ? 1 : 0));
    return all;
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
