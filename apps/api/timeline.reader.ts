import { createHash } from 'node:crypto';
import { pageTimeline, ReadModelQueries, StorySummary, TimelineCursor, TimelineFilter, TimelineLine } from '@timeline/read-model';

/** Bumped when the answer's shape changes, so old ETags stop matching. */
const FORMAT = 'tl1';

/** One story's timeline as last read, with each line's JSON built at most once. */
interface CachedTimeline {
  /** Global position of the last event the read reflects (decimal string). */
  position: string;
  story: StorySummary;
  storyJson: string;
  lines: TimelineLine[];
  /** JSON of lines[i], filled on first use. */
  lineJson: Array<string | undefined>;
  /** Size charged against maxBytes: the statements' JSON text length, ×3 for the parsed lines and their JSON. */
  bytes: number;
}

/**
 * The live timeline read, made cheap: a story's timeline changes only when
 * the projector applies an event to it, which moves the story's
 * `last_global_position`. So each request costs one primary-key lookup of
 * that position (for live timelines with its missing events:
 * ReadModelQueries.liveHeads, coalesced across concurrent requests by
 * LiveHeads); the sorted lines (with incoming relations) and each line's
 * JSON are kept per story and rebuilt only when the position moved; a page
 * is the concatenation of its lines' JSON (no parse, no stringify of the
 * whole document). Memory: stories are charged 3× the length of their
 * statements' JSON (parsed lines + line JSON), at most `maxBytes` in all
 * (least recently used dropped first; default 32 MiB, ≈ 13 stories of 1,000
 * statements), plus rendered answers up to maxBytes / 4.
 */
export class TimelineReader {
  private readonly cache = new Map<string, CachedTimeline>();
  /** Rendered answers by story + query: the body as bytes and its ETag, valid while the story stays at `position`. */
  private readonly answers = new Map<string, { position: string; etag: string; body: Buffer }>();
  private answerBytes = 0;
  private readonly loading = new Map<string, Promise<CachedTimeline | null>>();
  private bytes = 0;

  constructor(
    private readonly q: ReadModelQueries,
    private readonly maxBytes = 32 * 2 ** 20,
  ) {}

  /** The story's current position, or null for an unknown story (one indexed lookup). */
  position(storyId: string): Promise<string | null> {
    return this.q.storyPosition(storyId);
  }

  /**
   * The story's timeline at `position` or later (cached, or read in one
   * statement with its summary). Concurrent reads of one story share one query.
   * @returns null when the story does not exist.
   */
  async timeline(storyId: string, position: string): Promise<CachedTimeline | null> {
    const hit = this.cache.get(storyId);
    if (hit && BigInt(hit.position) >= BigInt(position)) {
      this.cache.delete(storyId);
      this.cache.set(storyId, hit); // most recently used last
      return hit;
    }
    let p = this.loading.get(storyId);
    if (!p) {
      p = this.load(storyId).finally(() => this.loading.delete(storyId));
      this.loading.set(storyId, p);
    }
    const got = await p;
    // a load that started before `position` was committed may be older: read again
    if (got && BigInt(got.position) < BigInt(position)) return this.load(storyId);
    return got;
  }

  private async load(storyId: string): Promise<CachedTimeline | null> {
    const r = await this.q.storyTimeline(storyId);
    if (!r) return null;
    const entry: CachedTimeline = {
      position: r.story.lastGlobalPosition,
      story: r.story,
      storyJson: JSON.stringify(r.story),
      lines: r.lines,
      lineJson: new Array(r.lines.length),
      bytes: r.bytes * 3,
    };
    const old = this.cache.get(storyId);
    if (old && BigInt(old.position) > BigInt(entry.position)) return entry; // never replace newer by older
    if (old) {
      this.bytes -= old.bytes;
      this.cache.delete(storyId);
    }
    this.cache.set(storyId, entry);
    this.bytes += entry.bytes;
    this.evict(storyId);
    return entry;
  }

  /** JSON of line i (built once per cached story). */
  private lineJson(t: CachedTimeline, i: number): string {
    let s = t.lineJson[i];
    if (s === undefined) s = t.lineJson[i] = JSON.stringify(t.lines[i]);
    return s;
  }

  private evict(keep: string): void {
    for (const [id, t] of this.cache) {
      if (this.bytes <= this.maxBytes) return;
      if (id === keep) continue;
      this.cache.delete(id);
      this.bytes -= t.bytes;
    }
  }

  /**
   * The answer of GET /stories/:id/timeline (live) as JSON text:
   * `{ missingEvents, story, statements, reflects, nextCursor }`.
   */
  private render(t: CachedTimeline, missingEvents: readonly unknown[], filter: TimelineFilter, limit: number, after?: TimelineCursor): string {
    const page = pageTimeline(t.lines, filter, limit, after);
    const parts = page.indexes.map((i) => this.lineJson(t, i));
    const reflects = JSON.stringify({ mode: 'live', orderedBy: 'saidAt', globalPosition: t.position, recordedAt: t.story.updatedAt });
    return `{"missingEvents":${JSON.stringify(missingEvents)},"story":${t.storyJson},"statements":[${parts.join(',')}],"reflects":${reflects},"nextCursor":${JSON.stringify(page.nextCursor)}}`;
  }

  /**
   * The live answer for a query at `position`, the whole body as sent:
   * `{ missingEvents, story, statements, reflects, nextCursor }` (rendered
   * once per story position and query; at most 1,000 answers and
   * maxBytes / 4 bytes kept, so a repeated request costs a map lookup).
   * `key` is the normalized query (filters, limit, cursor text) and must
   * name the `missingEvents` (their dead-letter ids), which do not move the
   * story's position.
   * @returns null when the story does not exist.
   */
  async answer(
    storyId: string,
    position: string,
    key: Record<string, unknown>,
    page: { filter: TimelineFilter; limit: number; after?: TimelineCursor },
    missingEvents: readonly unknown[],
  ): Promise<{ etag: string; body: Buffer } | null> {
    const k = `${storyId}|${JSON.stringify(Object.keys(key).sort().map((x) => [x, key[x]]))}`;
    const hit = this.answers.get(k);
    if (hit && hit.position === position) return hit;
    const t = await this.timeline(storyId, position);
    if (!t) return null;
    const a = { position: t.position, etag: TimelineReader.etag(t.position, key), body: Buffer.from(this.render(t, missingEvents, page.filter, page.limit, page.after)) };
    if (hit) {
      this.answers.delete(k);
      this.answerBytes -= hit.body.length;
    }
    this.answers.set(k, a);
    this.answerBytes += a.body.length;
    for (const [id, x] of this.answers) {
      if (this.answerBytes <= this.maxBytes / 4 && this.answers.size <= 1000) break;
      this.answers.delete(id);
      this.answerBytes -= x.body.length;
    }
    return a;
  }

  /**
   * Strong ETag of a live answer: the format version, the story's last
   * global position and a digest of the normalized query (filters, limit, cursor).
   */
  static etag(position: string, query: Record<string, unknown>): string {
    const key = JSON.stringify(Object.keys(query).sort().map((k) => [k, query[k]]));
    return `"${FORMAT}-${position}-${createHash('sha1').update(key).digest('base64url').slice(0, 16)}"`;
  }

  /** Whether an If-None-Match header value matches `etag` (weak comparison, RFC 9110 13.1.2; `*` matches). */
  static matches(ifNoneMatch: string | undefined, etag: string): boolean {
    if (!ifNoneMatch) return false;
    const bare = etag.replace(/^W\//, '');
    return ifNoneMatch.split(',').some((t) => {
      const v = t.trim();
      return v === '*' || v.replace(/^W\//, '') === bare;
    });
  }
}
