import {
  BoundError, diffTimeline, DiffOrderError, readRawEvent, ReplayBound, replayStory, ReplayResult, replaySummary, statementHistory,
  StatementHistory, TimelineDiff,
} from '@timeline/audit';
import { StoredEvent, storyStream } from '@timeline/events';
import type { PgEventLog, VerifyReport } from '@timeline/event-log';
import type { AuditQueries } from '@timeline/read-model';

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
  private readonly cache = new ValidatedEventCache();

  constructor(
    private readonly log: PgEventLog,
    private readonly q: AuditQueries,
  ) {}

  /** The story's stream, upcast and validated, bounded in SQL where the bound allows. */
  private async stream(storyId: string, bound: ReplayBound): Promise<StoredEvent[]> {
    const streamId = storyStream(storyId);
    const bounds = bound.kind === 'position' ? { toGlobalPosition: bound.globalPosition } : bound.kind === 'time' ? { asOf: bound.asOf } : {};
    const index = await this.q.replayIndex(streamId, bounds);
    // The same read path as the log's (upcast, then validate), without the item text evolve never reads,
    // memoized per (event id, chain hash): see ValidatedEventCache.
    const missing = index.filter((r) => !this.cache.has(r.eventId, r.hash)).map((r) => r.eventId);
    // Many misses (a cold story): one bounded scan beats a lookup by ids.
    const data =
      missing.length > 200 && missing.length > index.length / 4
        ? new Map((await this.q.replayRows(streamId, bounds)).map((r) => [r.eventId, { data: r.data, metadata: r.metadata }]))
        : await this.q.replayData(missing);
    const events = index.map((r) => {
      const hit = this.cache.get(r.eventId, r.hash);
      if (hit) return { ...hit, streamPosition: r.streamPosition, globalPosition: r.globalPosition, transactionId: r.transactionId, recordedAt: r.recordedAt, prevHash: r.prevHash } as StoredEvent;
      const d = data.get(r.eventId);
      if (!d) throw new Error(`event ${r.eventId} vanished from the log during the read`);
      const e = readRawEvent({ ...r, ...d });
      this.cache.set(r.eventId, r.hash, e);
      return e;
    });
    if (events.length === 0) {
      const head = await this.q.streamHead(streamId);
      if (!head || head.position === 0) throw new AuditNotFoundError(`no story ${storyId}`);
    }
    return events;
  }

  /**
   * Replay one story up to a bound.
   * @throws AuditNotFoundError when the story's stream has no events at all.
   */
  async asOf(storyId: string, bound: ReplayBound): Promise<ReplayResult> {
    return replayStory(storyId, await this.stream(storyId, bound), bound);
  }

  /** As-of answer in the API's shape: `{ story, statements, reflects }`. */
  async asOfTimeline(storyId: string, bound: ReplayBound) {
    const r = await this.asOf(storyId, bound);
    return { story: replaySummary(r), statements: r.entries, reflects: { mode: 'replay' as const, orderedBy: 'saidAt' as const, ...r.reflects } };
  }

  /**
   * Diff between two moments.
   * @throws AuditNotFoundError for an unknown story; AuditBadRequestError when from lies after to.
   */
  async diff(storyId: string, from: ReplayBound, to: ReplayBound): Promise<TimelineDiff> {
    const events = await this.stream(storyId, { kind: 'head' });
    try {
      return diffTimeline(storyId, events, from, to);
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
    const h = statementHistory(storyId, statementId, await this.stream(storyId, { kind: 'head' }));
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

/**
 * Upcast-and-validated events by (event id, chain hash), at most `max` (oldest
 * dropped first). Validation is a pure function of the stored row, and the log
 * is append-only with a hash over every row's content, so a row seen again
 * with the same id and hash needs no second validation: as-of replays of a
 * story after the first skip fetching and validating its data (the bulk of
 * their time). A row edited behind the writer's back is not this cache's
 * business: `audit verify` reports it either way.
 */
export class ValidatedEventCache {
  private readonly map = new Map<string, StoredEvent>();
  constructor(private readonly max = 200_000) {}
  has(eventId: string, hash: string): boolean {
    return this.map.has(`${eventId}:${hash}`);
  }
  get(eventId: string, hash: string): StoredEvent | undefined {
    return this.map.get(`${eventId}:${hash}`);
  }
  set(eventId: string, hash: string, e: StoredEvent): void {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(`${eventId}:${hash}`, e);
  }
}

/** Map audit errors to Nest HTTP exceptions. */
export function rethrowHttp(err: unknown, http: { notFound: (m: string) => Error; badRequest: (m: object) => Error }): never {
  if (err instanceof AuditNotFoundError) throw http.notFound(err.message);
  if (err instanceof AuditBadRequestError) throw http.badRequest({ statusCode: 400, message: err.message, field: err.param });
  if (err instanceof BoundError) throw http.badRequest({ statusCode: 400, message: err.message, field: err.param });
  throw err;
}
