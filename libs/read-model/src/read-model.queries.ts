import type { Pool } from 'pg';
import { quoteSchema } from '@timeline/event-log';
import type { WireItem } from '@timeline/events';
import type { StorySignature } from '@timeline/extraction';
import { compareStatements, MAX_MERGE_HOPS, TimelineEntry, TimelineStatement, withIncoming } from '@timeline/timeline';
import type { TimelineCursor } from './timeline.query';

/** An event of a story the projector skipped as poison (a projector dead letter not redriven yet). */
export interface MissingEvent {
  deadLetterId: string;
  globalPosition: string;
  eventId: string | null;
  error: string;
}

/** A story as listed by GET /stories. */
export interface StorySummary {
  storyId: string;
  title: string;
  itemCount: number;
  statementCount: number;
  /** First and last said_at day (YYYY-MM-DD) of its active statements. */
  firstSaid: string | null;
  lastSaid: string | null;
  updatedAt: string | null;
  lastGlobalPosition: string;
}

/** Keyset of the stories listing: updated_at as Postgres prints it (full precision) or null, and story_id. */
export interface StoriesCursor {
  u: string | null;
  id: string;
}

/** Keyset of the speakers listing: name and speakerId of the last speaker. */
export interface SpeakersCursor {
  name: string;
  id: string;
}

/** A speaker as listed by GET /speakers (counts over active statements). */
export interface SpeakerSummary {
  speakerId: string;
  name: string;
  statementCount: number;
  storyCount: number;
}

const STORY_COLUMNS = 'story_id, title, item_count, statement_count, first_said, last_said, updated_at, last_global_position';

/** A rm_stories row as served. */
function storySummary(x: Record<string, any>): StorySummary {
  return {
    storyId: x.story_id,
    title: x.title,
    itemCount: x.item_count,
    statementCount: x.statement_count,
    firstSaid: x.first_said,
    lastSaid: x.last_said,
    updatedAt: x.updated_at ? new Date(x.updated_at).toISOString() : null,
    lastGlobalPosition: String(x.last_global_position),
  };
}

/** Escape LIKE wildcards (the default escape character is backslash). */
function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A timeline line as served: the statement plus the relations pointing at it. */
export type TimelineLine = TimelineEntry;

/** GET /statements/:id: the statement, and the item text its mentions point into. */
export interface StatementDetail {
  statement: TimelineStatement;
  items: Array<{ uri: string; version: number; headline: string; bodyText: string }>;
}

/**
 * Read-side queries over the timeline read model (rm_* tables). All reads are
 * single statements on the pool: no transaction spans requests.
 */
/** A story's live head: last global position, missing (poison) events, and the story it was merged into (null normally). */
export interface LiveHead {
  position: string;
  missingEvents: MissingEvent[];
  mergedInto: string | null;
}

export class ReadModelQueries {
  private readonly s: string;
  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.s = quoteSchema(schema);
  }

  /**
   * The survivor a story was merged into, followed through later merges (at
   * most MAX_MERGE_HOPS), in one query (a recursive CTE over
   * rm_stories.merged_into). Never `storyId` itself: null when the story was
   * never merged (or is unknown), and null when its chain comes back to it
   * (a cycle a projection from before the merge fix could have stored;
   * answering it as itself beats a redirect loop).
   */
  async mergedInto(storyId: string): Promise<string | null> {
    const r = await this.pool.query<{ id: string; next: string | null }>(
      `WITH RECURSIVE chain(id, next, depth, seen) AS (
         SELECT story_id, merged_into, 0, ARRAY[story_id] FROM ${this.s}.rm_stories WHERE story_id = $1::uuid
         UNION ALL
         SELECT s.story_id, s.merged_into, c.depth + 1, c.seen || s.story_id
           FROM chain c JOIN ${this.s}.rm_stories s ON s.story_id = c.next
          WHERE c.depth < $2 AND NOT s.story_id = ANY(c.seen)
       )
       SELECT id::text AS id, next::text AS next FROM chain ORDER BY depth DESC LIMIT 1`,
      [storyId, MAX_MERGE_HOPS],
    );
    const last = r.rows[0];
    if (!last || last.id === storyId) return null;
    // the chain ended in a cycle back to the story itself: not a survivor to redirect to
    if (last.next === storyId) return null;
    return last.id;
  }

  /**
   * Stories not merged into another, most recently updated first (updated_at desc, story_id), keyset-paged.
   * @param opts.q words that must all appear in the title (case-insensitive substrings)
   * @param opts.from / opts.to inclusive YYYY-MM-DD day range that must overlap [first_said, last_said]
   *   (stories without a dated active statement are left out when either is given)
   * @param opts.after the (updated_at, story_id) of the previous page's last story
   * @returns at most `limit` stories, and whether more follow
   */
  async searchStories(opts: { q?: string; from?: string; to?: string; limit: number; after?: StoriesCursor }): Promise<{ stories: StorySummary[]; more: boolean; last: StoriesCursor | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    where.push('merged_into IS NULL'); // a merged story is listed as its survivor
    for (const word of (opts.q ?? '').split(/\s+/).filter(Boolean)) where.push(`title ILIKE ${p(`%${likeEscape(word)}%`)}`);
    if (opts.from !== undefined) where.push(`last_said >= ${p(opts.from)}`);
    if (opts.to !== undefined) where.push(`first_said <= ${p(opts.to)}`);
    if (opts.after) {
      const id = p(opts.after.id);
      if (opts.after.u === null) where.push(`updated_at IS NULL AND story_id > ${id}::uuid`);
      else {
        const u = p(opts.after.u);
        where.push(`(updated_at < ${u}::timestamptz OR (updated_at = ${u}::timestamptz AND story_id > ${id}::uuid) OR updated_at IS NULL)`);
      }
    }
    const r = await this.pool.query(
      `SELECT ${STORY_COLUMNS}, updated_at::text AS u_raw FROM ${this.s}.rm_stories
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY updated_at DESC NULLS LAST, story_id LIMIT ${p(opts.limit + 1)}`,
      params,
    );
    const more = r.rows.length > opts.limit;
    const rows = r.rows.slice(0, opts.limit);
    const lastRow = rows[rows.length - 1];
    return { stories: rows.map(storySummary), more, last: lastRow ? { u: lastRow.u_raw ?? null, id: lastRow.story_id } : null };
  }

  /** The global position of the last event applied to a story (decimal string), or null for an unknown story. */
  async storyPosition(storyId: string): Promise<string | null> {
    // a named (prepared) statement: asked per contradictions / event-stream request, parsed and planned once per connection
    const r = await this.pool.query<{ p: string }>({
      name: `story-position:${this.s}`,
      text: `SELECT last_global_position::text AS p FROM ${this.s}.rm_stories WHERE story_id = $1`,
      values: [storyId],
    });
    return r.rowCount ? r.rows[0].p : null;
  }

  /** Last global position and recorded_at of some stories (unknown ids are missing from the map). */
  async storyHeads(storyIds: string[]): Promise<Map<string, { globalPosition: string; recordedAt: string | null }>> {
    if (!storyIds.length) return new Map();
    const r = await this.pool.query<{ story_id: string; p: string; updated_at: Date | null }>(
      `SELECT story_id::text, last_global_position::text AS p, updated_at FROM ${this.s}.rm_stories WHERE story_id = ANY($1::uuid[])`,
      [storyIds],
    );
    return new Map(r.rows.map((x) => [x.story_id, { globalPosition: x.p, recordedAt: x.updated_at ? new Date(x.updated_at).toISOString() : null }]));
  }

  /**
   * A story's summary and its whole timeline (active statements, sorted, with
   * incoming relations), read in ONE statement so both reflect the same
   * committed projector step. `bytes`: length of the statements' JSON text.
   * @returns null when the story does not exist.
   */
  async storyTimeline(storyId: string): Promise<{ story: StorySummary; lines: TimelineLine[]; bytes: number } | null> {
    const r = await this.pool.query(
      `SELECT ${STORY_COLUMNS},
              (SELECT coalesce(json_agg(doc), '[]'::json) FROM ${this.s}.rm_statements st WHERE st.story_id = s.story_id AND st.status = 'active')::text AS docs
         FROM ${this.s}.rm_stories s WHERE s.story_id = $1`,
      [storyId],
    );
    if (!r.rowCount) return null;
    const docs: string = r.rows[0].docs;
    return { story: storySummary(r.rows[0]), lines: withIncoming(JSON.parse(docs) as TimelineStatement[]), bytes: docs.length };
  }

  /**
   * Speakers of active statements, by name (byte order) then speakerId, keyset-paged.
   * Counts are over active statements; the name is the speaker's (alphabetically first) canonical name.
   * @param opts.q words that must all appear in one of the speaker's names (case-insensitive substrings)
   */
  async searchSpeakers(opts: { q?: string; limit: number; after?: SpeakersCursor }): Promise<{ speakers: SpeakerSummary[]; more: boolean }> {
    const having: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const words = (opts.q ?? '').split(/\s+/).filter(Boolean);
    if (words.length) having.push(`bool_or(${words.map((w) => `speaker ILIKE ${p(`%${likeEscape(w)}%`)}`).join(' AND ')})`);
    if (opts.after) having.push(`(min(speaker COLLATE "C"), speaker_id) > (${p(opts.after.name)} COLLATE "C", ${p(opts.after.id)}::uuid)`);
    const r = await this.pool.query(
      `SELECT speaker_id::text, min(speaker COLLATE "C") AS name, count(*)::int AS statement_count, count(DISTINCT story_id)::int AS story_count
         FROM ${this.s}.rm_statements WHERE status = 'active'
        GROUP BY speaker_id ${having.length ? `HAVING ${having.join(' AND ')}` : ''}
        ORDER BY min(speaker COLLATE "C"), speaker_id LIMIT ${p(opts.limit + 1)}`,
      params,
    );
    const speakers = r.rows.slice(0, opts.limit).map((x) => ({ speakerId: x.speaker_id, name: x.name, statementCount: x.statement_count, storyCount: x.story_count }));
    return { speakers, more: r.rows.length > opts.limit };
  }

  /** One speaker (counts over active statements), or null when no active statement has it. */
  async getSpeaker(speakerId: string): Promise<SpeakerSummary | null> {
    const r = await this.pool.query(
      `SELECT min(speaker COLLATE "C") AS name, count(*)::int AS statement_count, count(DISTINCT story_id)::int AS story_count
         FROM ${this.s}.rm_statements WHERE status = 'active' AND speaker_id = $1 HAVING count(*) > 0`,
      [speakerId],
    );
    return r.rowCount ? { speakerId, name: r.rows[0].name, statementCount: r.rows[0].statement_count, storyCount: r.rows[0].story_count } : null;
  }

  /**
   * One speaker's active statements across stories in timeline order
   * (compareStatements: said_at sort key, item day, item uri, first mention
   * offset, statement id), keyset-paged after `after`; each with the
   * relations pointing at it from its own story (`incoming`, in timeline order).
   */
  async speakerStatements(speakerId: string, limit: number, after?: TimelineCursor): Promise<{ statements: TimelineLine[]; more: boolean }> {
    const params: unknown[] = [speakerId, limit + 1];
    let cond = '';
    if (after) {
      params.push(after.k, after.d, after.u, after.m, after.id);
      cond = `AND (sort_key COLLATE "C", doc->>'itemDay' COLLATE "C", doc->>'itemUri' COLLATE "C", coalesce((doc->'mentions'->0->>'start')::int, 0), statement_id::text COLLATE "C")
               > ($3 COLLATE "C", $4 COLLATE "C", $5 COLLATE "C", $6::int, $7 COLLATE "C")`;
    }
    const r = await this.pool.query<{ doc: TimelineStatement }>(
      `SELECT doc FROM ${this.s}.rm_statements
        WHERE speaker_id = $1 AND status = 'active' ${cond}
        ORDER BY sort_key COLLATE "C", doc->>'itemDay' COLLATE "C", doc->>'itemUri' COLLATE "C", coalesce((doc->'mentions'->0->>'start')::int, 0), statement_id::text COLLATE "C"
        LIMIT $2`,
      params,
    );
    const docs = r.rows.slice(0, limit).map((x) => x.doc);
    const incoming = new Map<string, TimelineLine['incoming']>();
    if (docs.length) {
      const src = await this.pool.query<{ doc: TimelineStatement }>(
        `SELECT doc FROM ${this.s}.rm_statements
          WHERE story_id = ANY($1::uuid[]) AND status = 'active'
            AND EXISTS (SELECT 1 FROM jsonb_array_elements(doc->'relations') rel WHERE rel->>'target' = ANY($2::text[]))`,
        [[...new Set(docs.map((d) => d.storyId))], docs.map((d) => d.statementId)],
      );
      for (const s of src.rows.map((x) => x.doc).sort(compareStatements)) {
        for (const rel of s.relations) {
          const list = incoming.get(rel.target) ?? [];
          list.push({ type: rel.type, source: s.statementId });
          incoming.set(rel.target, list);
        }
      }
    }
    return { statements: docs.map((d) => ({ ...d, incoming: incoming.get(d.statementId) ?? [] })), more: r.rows.length > limit };
  }

  /** A statement with the text of the item versions its mentions point into; null if unknown. */
  async statement(statementId: string): Promise<StatementDetail | null> {
    const r = await this.pool.query<{ doc: TimelineStatement }>(`SELECT doc FROM ${this.s}.rm_statements WHERE statement_id = $1`, [statementId]);
    if (!r.rowCount) return null;
    const st = r.rows[0].doc;
    const keys = [...new Set(st.mentions.map((m) => `${m.itemUri}\u001f${m.itemVersion}`))].map((k) => k.split('\u001f'));
    const items = [];
    for (const [uri, version] of keys) {
      const it = await this.pool.query(`SELECT uri, version, headline, body_text FROM ${this.s}.rm_item_versions WHERE uri = $1 AND version = $2`, [uri, Number(version)]);
      if (it.rowCount) items.push({ uri: it.rows[0].uri, version: it.rows[0].version, headline: it.rows[0].headline, bodyText: it.rows[0].body_text });
    }
    return { statement: st, items };
  }

  /**
   * The log's record of one item version, if it is there: the content hash of
   * its WireItemRecorded event, its story, and the ids of that event and of
   * the statement events it caused (same stream). Reads the log, not the read
   * model, so it is exact as soon as the writer has committed.
   */
  async recordedItem(itemEventId: string): Promise<{ contentHash: string; storyId: string; item: Pick<WireItem, 'headline' | 'body_text' | 'pubstatus'>; eventIds: string[] } | null> {
    const r = await this.pool.query<{ hash: string; story_id: string; stream_id: string; item: Pick<WireItem, 'headline' | 'body_text' | 'pubstatus'> }>(
      `SELECT data->>'contentHash' AS hash, data->>'storyId' AS story_id, stream_id,
              jsonb_build_object('headline', data->'item'->'headline', 'body_text', data->'item'->'body_text', 'pubstatus', data->'item'->'pubstatus') AS item
         FROM ${this.s}.events WHERE event_id = $1`,
      [itemEventId],
    );
    if (!r.rowCount) return null;
    const caused = await this.pool.query<{ event_id: string }>(
      `SELECT event_id::text FROM ${this.s}.events WHERE stream_id = $1 AND metadata->>'causationId' = $2 ORDER BY stream_position`,
      [r.rows[0].stream_id, itemEventId],
    );
    return { contentHash: r.rows[0].hash, storyId: r.rows[0].story_id, item: r.rows[0].item, eventIds: [itemEventId, ...caused.rows.map((x) => x.event_id)] };
  }

  /** Story id an item uri already belongs to (any version), or null. */
  async storyOfItem(uri: string): Promise<string | null> {
    const r = await this.pool.query(`SELECT story_id FROM ${this.s}.rm_items WHERE uri = $1`, [uri]);
    return r.rowCount ? r.rows[0].story_id : null;
  }

  /**
   * Story signatures changed after a read-model position: the stories whose
   * `last_global_position` is past `afterPosition` (decimal string; '0' for
   * all), with that position, so a caller can keep an in-memory index and
   * read only what the projector changed since (ingest's story clustering).
   * A story merged into another comes with `mergedInto` (and no signature:
   * the survivor's holds its terms).
   */
  async storySignaturesSince(afterPosition: string): Promise<Array<{ storyId: string; signature: StorySignature | null; mergedInto: string | null; position: string }>> {
    const r = await this.pool.query<{ storyId: string; signature: StorySignature | null; mergedInto: string | null; position: string }>(
      `SELECT story_id::text AS "storyId", signature, merged_into::text AS "mergedInto", last_global_position::text AS position FROM ${this.s}.rm_stories
        WHERE (signature IS NOT NULL OR merged_into IS NOT NULL) AND last_global_position > $1::bigint`,
      [afterPosition],
    );
    return r.rows;
  }

  /** Active statements of a story (context for cross-item relations at ingest). */
  async storyStatements(storyId: string): Promise<TimelineStatement[]> {
    const r = await this.pool.query<{ doc: TimelineStatement }>(
      `SELECT doc FROM ${this.s}.rm_statements WHERE story_id = $1 AND status = 'active'`,
      [storyId],
    );
    return r.rows.map((x) => x.doc);
  }

  /**
   * What a live timeline answer needs before its cached body, for one or
   * more stories in one prepared statement (it runs for every live GET
   * /stories/:id/timeline; apps/api LiveHeads coalesces concurrent requests
   * into one call): each story's last global position (primary-key lookup)
   * and its missing events, the events the projector skipped as poison
   * (dead_letters of source `projector:*` not redriven since, by the
   * dead_letters_story_idx index), oldest first; [] normally.
   * @param storyIds story ids (uuid text); unknown ones are absent from the result.
   * @returns story id (lowercase uuid text) -> head.
   */
  async liveHeads(storyIds: readonly string[]): Promise<Map<string, LiveHead>> {
    const r = await this.pool.query<{ id: string; p: string; m: string | null; missing: MissingEvent[] }>({
      name: `live-heads:${this.s}`,
      text: `SELECT s.story_id::text AS id, s.last_global_position::text AS p, s.merged_into::text AS m,
                    coalesce((SELECT json_agg(json_build_object('deadLetterId', d.id::text, 'globalPosition', d.global_position::text,
                                                               'eventId', d.event_id::text, 'error', d.error) ORDER BY d.global_position)
                                FROM ${this.s}.dead_letters d
                               WHERE d.story_id = s.story_id AND d.source <> 'writer' AND d.redriven_at IS NULL), '[]'::json) AS missing
               FROM ${this.s}.rm_stories s WHERE s.story_id = ANY($1::uuid[])`,
      values: [storyIds],
    });
    return new Map(r.rows.map((x) => [x.id, { position: x.p, missingEvents: x.missing, mergedInto: x.m }]));
  }
}
