import type { Pool } from 'pg';
import { quoteSchema } from '@timeline/event-log';
import type { WireItem } from '@timeline/events';
import type { StorySignature } from '@timeline/extraction';
import { TimelineStatement, withIncoming } from '@timeline/timeline';

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

/** A timeline line as served: the statement plus the relations pointing at it. */
export type TimelineLine = TimelineStatement & { incoming: Array<{ type: string; source: string }> };

/** GET /statements/:id: the statement, and the item text its mentions point into. */
export interface StatementDetail {
  statement: TimelineStatement;
  items: Array<{ uri: string; version: number; headline: string; bodyText: string }>;
}

/**
 * Read-side queries over the timeline read model (rm_* tables). All reads are
 * single statements on the pool: no transaction spans requests.
 */
export class ReadModelQueries {
  private readonly s: string;
  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.s = quoteSchema(schema);
  }

  /** Stories, most recently updated first. */
  async listStories(limit = 100): Promise<StorySummary[]> {
    const r = await this.pool.query(
      `SELECT story_id, title, item_count, statement_count, first_said, last_said, updated_at, last_global_position
         FROM ${this.s}.rm_stories ORDER BY updated_at DESC NULLS LAST, story_id LIMIT $1`,
      [limit],
    );
    return r.rows.map((x) => ({
      storyId: x.story_id,
      title: x.title,
      itemCount: x.item_count,
      statementCount: x.statement_count,
      firstSaid: x.first_said,
      lastSaid: x.last_said,
      updatedAt: x.updated_at ? new Date(x.updated_at).toISOString() : null,
      lastGlobalPosition: String(x.last_global_position),
    }));
  }

  /** One story's summary, or null. */
  async getStory(storyId: string): Promise<StorySummary | null> {
    const all = await this.pool.query(`SELECT story_id FROM ${this.s}.rm_stories WHERE story_id = $1`, [storyId]);
    if (!all.rowCount) return null;
    return (await this.listStories(100000)).find((x) => x.storyId === storyId) ?? null;
  }

  /**
   * The active statements of a story in said_at order with incoming relations.
   * @returns null when the story does not exist.
   */
  async timeline(storyId: string): Promise<TimelineLine[] | null> {
    const exists = await this.pool.query(`SELECT 1 FROM ${this.s}.rm_stories WHERE story_id = $1`, [storyId]);
    if (!exists.rowCount) return null;
    const r = await this.pool.query<{ doc: TimelineStatement }>(
      `SELECT doc FROM ${this.s}.rm_statements WHERE story_id = $1 AND status = 'active' ORDER BY sort_key`,
      [storyId],
    );
    return withIncoming(r.rows.map((x) => x.doc));
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

  /** Story signatures for clustering (stories updated within `sinceDays` of `now`, or all). */
  async storySignatures(): Promise<StorySignature[]> {
    const r = await this.pool.query<{ signature: StorySignature }>(`SELECT signature FROM ${this.s}.rm_stories WHERE signature IS NOT NULL`);
    return r.rows.map((x) => x.signature);
  }

  /**
   * Story signatures changed after a read-model position: the stories whose
   * `last_global_position` is past `afterPosition` (decimal string; '0' for
   * all), with that position, so a caller can keep an in-memory index and
   * read only what the projector changed since (ingest's story clustering).
   */
  async storySignaturesSince(afterPosition: string): Promise<Array<{ signature: StorySignature; position: string }>> {
    const r = await this.pool.query<{ signature: StorySignature; position: string }>(
      `SELECT signature, last_global_position::text AS position FROM ${this.s}.rm_stories
        WHERE signature IS NOT NULL AND last_global_position > $1::bigint`,
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
}
