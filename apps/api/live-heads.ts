import type { LiveHead } from '@timeline/read-model';

export type { LiveHead } from '@timeline/read-model';

/** The query LiveHeads batches: story ids -> heads of the known ones (ReadModelQueries.liveHeads). */
export type LiveHeadsQuery = (storyIds: readonly string[]) => Promise<Map<string, LiveHead>>;

interface Waiter {
  id: string;
  resolve(h: LiveHead | null): void;
  reject(err: unknown): void;
}

/**
 * The live-head check of GET /stories/:id/timeline, coalesced like a group
 * commit: requests that arrive while a check is in flight wait for it and
 * then share the next query (one statement for every story asked,
 * `story_id = ANY($1)`), so under load the api sends one query per round
 * trip instead of one per request (each one a socket write and a wakeup of
 * a Postgres backend on a busy machine).
 *
 * Freshness is unchanged from one query per request: a request is only ever
 * answered by a query *sent after it arrived* (never by one already in
 * flight), so its answer reflects every projector commit that happened
 * before the request, the guarantee the cached timeline relies on. A
 * request that finds no check in flight is sent at the end of the current
 * event-loop turn (setImmediate), together with the requests parsed in the
 * same turn. At most `maxBatch` stories per query; a failed query rejects
 * the requests it carried.
 */
export class LiveHeads {
  private waiting: Waiter[] = [];
  private inFlight = false;
  private scheduled = false;

  constructor(
    private readonly query: LiveHeadsQuery,
    private readonly maxBatch = 500,
  ) {}

  /**
   * The story's head, read after this call.
   * @param storyId a uuid (any case).
   * @returns null for an unknown story.
   * @throws what the query throws.
   */
  get(storyId: string): Promise<LiveHead | null> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ id: storyId.toLowerCase(), resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.inFlight || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight || this.waiting.length === 0) return;
    this.inFlight = true;
    const batch = this.waiting.splice(0, this.maxBatch);
    try {
      const heads = await this.query([...new Set(batch.map((w) => w.id))]);
      for (const w of batch) w.resolve(heads.get(w.id) ?? null);
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.inFlight = false;
      if (this.waiting.length) this.schedule();
    }
  }
}
