import type { Pool, PoolClient } from 'pg';
import type { StoredEvent, TimelineEvent } from '@timeline/events';
import { checkpointOf, PgEventLog, quoteSchema } from '@timeline/event-log';
import { evolve, initialState, saidAtSortKey, StoryTimeline, TimelineStatement, touchedStatements } from '@timeline/timeline';
import { updateStorySignature, StorySignature, ExtractedStatement } from '@timeline/extraction';

/** Name of the timeline projection's checkpoint row. */
export const TIMELINE_PROJECTION = 'timeline';

/** What one projection step did. */
export interface ProjectionStep {
  applied: number;
  stories: string[];
  /** Global position of the last event applied ('0' when none). */
  position: string;
}

/**
 * Async projection (Marten's term) of the log into the story timeline read
 * model. Each step, in ONE transaction: takes the projection's advisory lock
 * (so two projector instances never apply an event twice: the second waits
 * its turn), reads the next events gap-safely after the checkpoint
 * (DESIGN.md decision 5), folds them with the shared `evolve`, writes the
 * touched rows and the checkpoint, and commits. A crash before COMMIT
 * applies nothing; after it, the checkpoint moved with the rows.
 */
export class TimelineProjection {
  private readonly s: string;

  constructor(
    private readonly pool: Pool,
    private readonly log: PgEventLog,
    private readonly opts: { schema: string; batchSize: number; name?: string },
  ) {
    this.s = quoteSchema(opts.schema);
  }

  private get name(): string {
    return this.opts.name ?? TIMELINE_PROJECTION;
  }

  /**
   * Apply the next batch of events, if any.
   * @returns how many events were applied (0 when caught up or when another instance holds the lock).
   * @throws the database error; nothing is half-applied (the transaction rolls back).
   */
  async step(): Promise<ProjectionStep> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const lock = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok`, [`projection:${this.opts.schema}:${this.name}`]);
      if (!lock.rows[0].ok) {
        await client.query('ROLLBACK');
        return { applied: 0, stories: [], position: '0' };
      }
      const cp = await this.log.getCheckpoint(this.name, client);
      const events = await this.log.readAllGapSafe(cp, this.opts.batchSize, client);
      if (events.length === 0) {
        await client.query('ROLLBACK');
        return { applied: 0, stories: [], position: cp.globalPosition };
      }
      const stories = await this.apply(client, events);
      await this.log.saveCheckpoint(this.name, checkpointOf(events[events.length - 1]), client);
      await client.query('COMMIT');
      return { applied: events.length, stories, position: events[events.length - 1].globalPosition };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Fold events into the stored states and write the touched rows. */
  private async apply(client: PoolClient, events: StoredEvent[]): Promise<string[]> {
    const s = this.s;
    const storyIds = [...new Set(events.map((e) => (e as StoredEvent<TimelineEvent>).data.storyId))];
    const states = new Map<string, StoryTimeline>();
    const loaded = await client.query<{ story_id: string; state: StoryTimeline }>(
      `SELECT story_id, state FROM ${s}.rm_story_states WHERE story_id = ANY($1::uuid[])`,
      [storyIds],
    );
    for (const r of loaded.rows) states.set(r.story_id, r.state);
    const sigRows = await client.query<{ story_id: string; signature: StorySignature | null }>(
      `SELECT story_id, signature FROM ${s}.rm_stories WHERE story_id = ANY($1::uuid[])`,
      [storyIds],
    );
    const signatures = new Map(sigRows.rows.map((r) => [r.story_id, r.signature ?? undefined]));

    const touched = new Map<string, Set<string>>();
    const itemEvents: Array<StoredEvent<Extract<TimelineEvent, { type: 'WireItemRecorded' }>>> = [];
    for (const ev of events) {
      const e = ev as StoredEvent<TimelineEvent>;
      const storyId = e.data.storyId;
      const state = evolve(states.get(storyId) ?? initialState(storyId), e);
      states.set(storyId, state);
      const set = touched.get(storyId) ?? new Set<string>();
      for (const id of touchedStatements(state, e)) set.add(id);
      touched.set(storyId, set);
      if (e.type === 'WireItemRecorded') itemEvents.push(e);
    }

    for (const e of itemEvents) {
      const { item, storyId } = e.data;
      await client.query(
        `INSERT INTO ${s}.rm_item_versions (uri, version, story_id, event_id, headline, body_text)
         VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (uri, version) DO NOTHING`,
        [item.uri, item.version, storyId, e.eventId, item.headline, item.body_text],
      );
      const cur = states.get(storyId)!.items[item.uri];
      await client.query(
        `INSERT INTO ${s}.rm_items (uri, story_id, version, pubstatus, headline, firstcreated, versioncreated, ednote)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
         ON CONFLICT (uri) DO UPDATE SET story_id = EXCLUDED.story_id, version = EXCLUDED.version, pubstatus = EXCLUDED.pubstatus,
           headline = EXCLUDED.headline, firstcreated = EXCLUDED.firstcreated, versioncreated = EXCLUDED.versioncreated, ednote = EXCLUDED.ednote`,
        [cur.uri, storyId, cur.version, cur.pubstatus, cur.headline, cur.firstcreated, cur.versioncreated, cur.ednote],
      );
      if (cur.version === item.version && item.pubstatus === 'usable') {
        const stmts = Object.values(states.get(storyId)!.statements).filter((st) => st.itemUri === item.uri && st.itemVersion === item.version);
        signatures.set(storyId, updateStorySignature(signatures.get(storyId), storyId, item, stmts.map(asExtracted)));
      }
    }

    const ids: string[] = [];
    const stories: string[] = [];
    const statuses: string[] = [];
    const sortKeys: string[] = [];
    const speakers: string[] = [];
    const speakerIds: string[] = [];
    const docs: string[] = [];
    for (const [storyId, set] of touched) {
      const state = states.get(storyId)!;
      for (const id of set) {
        const st = state.statements[id];
        if (!st) continue;
        ids.push(id);
        stories.push(storyId);
        statuses.push(st.status);
        sortKeys.push(saidAtSortKey(st));
        speakers.push(st.source.name);
        speakerIds.push(st.source.speakerId);
        docs.push(JSON.stringify(st));
      }
    }
    if (ids.length) {
      await client.query(
        `INSERT INTO ${s}.rm_statements (statement_id, story_id, status, sort_key, speaker, speaker_id, doc)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::jsonb[])
         ON CONFLICT (statement_id) DO UPDATE SET story_id = EXCLUDED.story_id, status = EXCLUDED.status, sort_key = EXCLUDED.sort_key,
           speaker = EXCLUDED.speaker, speaker_id = EXCLUDED.speaker_id, doc = EXCLUDED.doc`,
        [ids, stories, statuses, sortKeys, speakers, speakerIds, docs],
      );
    }

    for (const [storyId, state] of states) {
      const active = Object.values(state.statements).filter((st) => st.status === 'active');
      const keys = active.map(saidAtSortKey).sort();
      await client.query(
        `INSERT INTO ${s}.rm_story_states (story_id, state) VALUES ($1, $2)
         ON CONFLICT (story_id) DO UPDATE SET state = EXCLUDED.state`,
        [storyId, JSON.stringify(state)],
      );
      await client.query(
        `INSERT INTO ${s}.rm_stories (story_id, title, item_count, statement_count, first_said, last_said, updated_at, last_global_position, signature)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
         ON CONFLICT (story_id) DO UPDATE SET title = EXCLUDED.title, item_count = EXCLUDED.item_count, statement_count = EXCLUDED.statement_count,
           first_said = EXCLUDED.first_said, last_said = EXCLUDED.last_said, updated_at = EXCLUDED.updated_at,
           last_global_position = EXCLUDED.last_global_position, signature = EXCLUDED.signature`,
        [
          storyId,
          state.title,
          Object.values(state.items).filter((i) => i.pubstatus === 'usable').length,
          active.length,
          keys[0] ?? null,
          keys[keys.length - 1] ?? null,
          state.lastRecordedAt,
          state.lastGlobalPosition,
          signatures.get(storyId) ? JSON.stringify(signatures.get(storyId)) : null,
        ],
      );
    }
    return [...states.keys()];
  }
}

/** A timeline statement in the extractor's output shape (for the story signature). */
export function asExtracted(st: TimelineStatement): ExtractedStatement {
  return {
    statementId: st.statementId,
    source: st.source,
    cue: st.cue,
    content: st.content,
    kind: st.kind,
    medium: st.medium,
    via: st.via,
    saidAt: st.saidAt,
    mentions: st.mentions.map((m) => ({ start: m.start, end: m.end })),
    relations: st.relations,
  };
}
