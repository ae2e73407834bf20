import type { Pool, PoolClient } from 'pg';
import type { StoredEvent, TimelineEvent } from '@timeline/events';
import { Checkpoint, checkpointOf, PgEventLog, quoteSchema } from '@timeline/event-log';
import { evolveStories, resolveStory, saidAtSortKey, StoryTimeline, TimelineStatement } from '@timeline/timeline';
import { mergeStorySignatures, storedSignature, updateStorySignature, StorySignature, ExtractedStatement } from '@timeline/extraction';
import { readTimelineEvents } from './log-read';

/** Name of the timeline projection's checkpoint row. */
export const TIMELINE_PROJECTION = 'timeline';

/** The read model's tables, by their serving names. */
export const READ_MODEL_TABLES = ['rm_stories', 'rm_story_states', 'rm_items', 'rm_item_versions', 'rm_statements'] as const;

/** Qualified names of one set of read-model tables: the serving ones (suffix '') or a generation being built (`_g<n>`). */
export interface RmTables {
  stories: string;
  states: string;
  items: string;
  itemVersions: string;
  statements: string;
}

/** Table names in `schema` with `suffix` (e.g. '' or '_g2'). */
export function rmTables(schema: string, suffix = ''): RmTables {
  if (!/^(_g[0-9]+)?$/.test(suffix)) throw new Error(`bad read-model table suffix ${suffix}`);
  const q = quoteSchema(schema);
  return {
    stories: `${q}.rm_stories${suffix}`,
    states: `${q}.rm_story_states${suffix}`,
    items: `${q}.rm_items${suffix}`,
    itemVersions: `${q}.rm_item_versions${suffix}`,
    statements: `${q}.rm_statements${suffix}`,
  };
}

/**
 * SQL argument of the advisory lock a projection step holds for its whole
 * transaction (`pg_try_advisory_xact_lock(hashtext($1))`); a rebuild's switch
 * takes the same lock (blocking) to pause the live projector cleanly.
 */
export function projectionLockKey(schema: string, name: string): string {
  return `projection:${schema}:${name}`;
}

/** What folding a batch produced: the touched statements per story and the item events, for writeTimelineRows. */
export interface FoldedBatch {
  touched: Map<string, Set<string>>;
  itemEvents: Array<StoredEvent<Extract<TimelineEvent, { type: 'WireItemRecorded' }>>>;
  /** Stories whose state changed. */
  stories: Set<string>;
  /** Merges applied, in log order; `before`: how many of itemEvents came before the merge (for the signatures). */
  merges?: Array<{ survivor: string; merged: string[]; before: number }>;
}

/**
 * Fold events into `states` (mutated in place, missing stories start empty)
 * with the shared `evolve`, through evolveStories (merges absorb the merged
 * stories' states; an event of a merged story folds into its survivor, and
 * its item event is listed under the survivor's id). The caller must have
 * put in `states` the stored states of the merged stories and survivors.
 */
export function foldTimelineBatch(states: Map<string, StoryTimeline>, events: readonly StoredEvent[], into?: FoldedBatch): FoldedBatch {
  const out: FoldedBatch = into ?? { touched: new Map(), itemEvents: [], stories: new Set() };
  for (const ev of events) {
    const e = ev as StoredEvent<TimelineEvent>;
    const r = evolveStories(states, e);
    for (const id of r.stories) out.stories.add(id);
    let set = out.touched.get(r.storyId);
    if (!set) out.touched.set(r.storyId, (set = new Set<string>()));
    for (const id of r.touched) set.add(id);
    if (e.type === 'WireItemRecorded') out.itemEvents.push(r.storyId === e.data.storyId ? e : { ...e, data: { ...e.data, storyId: r.storyId } });
    // the merge as applied (ids resolved to their survivors; none when it was already done)
    if (r.merged?.length) (out.merges ??= []).push({ survivor: r.storyId, merged: r.merged, before: out.itemEvents.length });
  }
  return out;
}

/** Story ids a batch of events needs the states of: each event's story, and for a merge its survivor and merged stories. */
export function storiesOfEvents(events: readonly StoredEvent[]): string[] {
  const ids = new Set<string>();
  for (const ev of events) {
    const e = ev as StoredEvent<TimelineEvent>;
    ids.add(e.data.storyId);
    if (e.type === 'StoriesMerged') {
      ids.add(e.data.survivorStoryId);
      for (const m of e.data.mergedStoryIds) ids.add(m);
    }
  }
  return [...ids];
}

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
  private readonly t: RmTables;
  /**
   * Folded states of recently touched stories, as this instance last
   * committed them (at most STATE_CACHE_MAX, least recently touched dropped).
   * Used only when the stored state row still says the same
   * lastGlobalPosition and eventCount (the fold is deterministic, so equal
   * positions mean equal states, even across a rebuild's table swap);
   * otherwise the state is loaded. Cleared when a step fails (evolve mutates
   * states in place, and the rolled-back fold must not survive).
   */
  private readonly cache = new Map<string, StoryTimeline>();

  constructor(
    private readonly pool: Pool,
    private readonly log: PgEventLog,
    private readonly opts: { schema: string; batchSize: number; name?: string },
  ) {
    this.t = rmTables(opts.schema);
  }

  private get name(): string {
    return this.opts.name ?? TIMELINE_PROJECTION;
  }

  /**
   * Apply the next batch of events, if any.
   * @param opts.limit at most this many events (default the batch size; the runner steps one event at a time to isolate a poison event).
   * @returns how many events were applied (0 when caught up or when another instance holds the lock).
   * @throws the database error; nothing is half-applied (the transaction rolls back).
   */
  async step(opts: { limit?: number } = {}): Promise<ProjectionStep> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const lock = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok`, [projectionLockKey(this.opts.schema, this.name)]);
      if (!lock.rows[0].ok) {
        await client.query('ROLLBACK');
        return { applied: 0, stories: [], position: '0' };
      }
      const cp = await this.log.getCheckpoint(this.name, client);
      const events = await this.readEvents(client, cp, opts.limit ?? this.opts.batchSize);
      if (events.length === 0) {
        await client.query('ROLLBACK');
        return { applied: 0, stories: [], position: cp.globalPosition };
      }
      const stories = await this.apply(client, events);
      await this.log.saveCheckpoint(this.name, checkpointOf(events[events.length - 1]), client);
      await client.query('COMMIT');
      return { applied: events.length, stories, position: events[events.length - 1].globalPosition };
    } catch (err) {
      this.cache.clear();
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * The next events after `cp` in gap-safe order (`readTimelineEvents`: only
   * transactions below the snapshot's xmin, ordered by (transaction_id, global_position)).
   * A seam for tests that record what the projection read.
   */
  protected readEvents(client: PoolClient, cp: Checkpoint, limit: number): Promise<StoredEvent[]> {
    return readTimelineEvents(client, this.opts.schema, cp, limit);
  }

  /** Fold events into the stored states and write the touched rows. */
  private async apply(client: PoolClient, events: StoredEvent[]): Promise<string[]> {
    const storyIds = storiesOfEvents(events);
    const states = await loadStoryStates(client, this.t, storyIds, this.cache);
    // An event of a merged story folds into its survivor: load survivors too (rare: a second read only then).
    const asked = new Set(storyIds);
    for (;;) {
      const more = [...states.values()].map((st) => st.mergedInto).filter((id): id is string => !!id && !asked.has(id));
      if (!more.length) break;
      for (const id of more) asked.add(id);
      for (const [id, st] of await loadStoryStates(client, this.t, more, this.cache)) states.set(id, st);
    }
    const batch = foldTimelineBatch(states, events);
    await writeTimelineRows(client, this.t, states, batch);
    for (const id of batch.stories) {
      this.cache.delete(id); // re-insert: most recently touched last
      this.cache.set(id, states.get(id)!);
    }
    while (this.cache.size > STATE_CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    return [...batch.stories];
  }
}

/** Stories whose folded state a TimelineProjection keeps in memory between steps. */
export const STATE_CACHE_MAX = 2000;

/**
 * The stored states of some stories (absent stories are simply missing from
 * the map). `rm_story_states.state` holds the state WITHOUT its statements
 * (each statement's document is its `rm_statements.doc`, stored once, not
 * twice; same table shapes, no migration); they are read back from
 * `rm_statements`. A state stored whole by older code is used as it is.
 * @param cache states the caller folded and committed before; one is used
 *   instead of a load when the stored row has the same lastGlobalPosition and eventCount.
 */
export async function loadStoryStates(
  client: Pick<PoolClient, 'query'>,
  t: RmTables,
  storyIds: string[],
  cache?: ReadonlyMap<string, StoryTimeline>,
): Promise<Map<string, StoryTimeline>> {
  const out = new Map<string, StoryTimeline>();
  const toLoad: string[] = cache?.size ? [] : storyIds;
  if (cache?.size) {
    const loaded = await client.query<{ story_id: string; head: { lastGlobalPosition: string; eventCount: number } }>(
      `SELECT story_id::text AS story_id, jsonb_build_object('lastGlobalPosition', state->'lastGlobalPosition', 'eventCount', state->'eventCount') AS head
         FROM ${t.states} WHERE story_id = ANY($1::uuid[])`,
      [storyIds],
    );
    for (const r of loaded.rows) {
      const hit = cache.get(r.story_id);
      if (hit && hit.lastGlobalPosition === r.head.lastGlobalPosition && hit.eventCount === r.head.eventCount) out.set(r.story_id, hit);
      else toLoad.push(r.story_id);
    }
  }
  if (!toLoad.length) return out;
  const states = await client.query<{ story_id: string; state: StoryTimeline }>(`SELECT story_id::text AS story_id, state FROM ${t.states} WHERE story_id = ANY($1::uuid[])`, [toLoad]);
  const partial: string[] = [];
  for (const r of states.rows) {
    if (!r.state.statements) {
      r.state.statements = {};
      partial.push(r.story_id);
    }
    out.set(r.story_id, r.state);
  }
  if (partial.length) {
    const docs = await client.query<{ story_id: string; doc: TimelineStatement }>(
      `SELECT story_id::text AS story_id, doc FROM ${t.statements} WHERE story_id = ANY($1::uuid[])`,
      [partial],
    );
    for (const r of docs.rows) out.get(r.story_id)!.statements[r.doc.statementId] = r.doc;
  }
  return out;
}

/** The key of an item version (uri and version) in the maps below. */
export function itemVersionKey(uri: string, version: number): string {
  return `${uri}\u001f${version}`;
}

/**
 * A story's statements grouped by the item version that cites them
 * (itemVersionKey of `itemUri`, `itemVersion`): a signature update reads the
 * statements of one item version, so a story is grouped once, not scanned
 * once per item event.
 */
export function statementsByItemVersion(state: StoryTimeline): Map<string, TimelineStatement[]> {
  const g = new Map<string, TimelineStatement[]>();
  for (const st of Object.values(state.statements)) {
    const k = itemVersionKey(st.itemUri, st.itemVersion);
    const list = g.get(k);
    if (list) list.push(st);
    else g.set(k, [st]);
  }
  return g;
}

/** A state as stored in rm_story_states: everything but the statements (they are rm_statements.doc). */
export function storedStateJson(state: StoryTimeline): string {
  const { statements: _omitted, ...rest } = state;
  return JSON.stringify(rest);
}

/**
 * Write what a folded batch touched, on the caller's transaction: item
 * versions and current items, the touched statements, and per touched story
 * its state, summary and signature. Multi-row statements (unnest), so the
 * cost per batch is a handful of round trips, not one per event.
 */
export async function writeTimelineRows(client: Pick<PoolClient, 'query'>, t: RmTables, states: Map<string, StoryTimeline>, batch: FoldedBatch): Promise<void> {
  const storyIds = [...batch.stories];
  const sigRows = await client.query<{ story_id: string; signature: StorySignature | null }>(
    `SELECT story_id, signature FROM ${t.stories} WHERE story_id = ANY($1::uuid[])`,
    [storyIds],
  );
  const signatures = new Map<string, StorySignature | undefined>(sigRows.rows.map((r) => [r.story_id, r.signature ?? undefined]));

  // Statements per item version, grouped once per story (not scanned once per item event).
  const grouped = new Map<string, Map<string, TimelineStatement[]>>();
  const byItemVersion = (storyId: string): Map<string, TimelineStatement[]> => {
    let g = grouped.get(storyId);
    if (!g) grouped.set(storyId, (g = statementsByItemVersion(states.get(storyId)!)));
    return g;
  };
  const versions = new Map<string, unknown[]>();
  const items = new Map<string, unknown[]>();
  const merges = batch.merges ?? [];
  let nextMerge = 0;
  const applyMerges = (upTo: number) => {
    for (; nextMerge < merges.length && merges[nextMerge].before <= upTo; nextMerge++) {
      const m = merges[nextMerge];
      const mergedSigs = m.merged.map((id) => signatures.get(id)).filter((x): x is StorySignature => !!x);
      const sig = signatures.get(m.survivor);
      if (sig) signatures.set(m.survivor, mergeStorySignatures(sig, mergedSigs));
      for (const id of m.merged) signatures.set(id, undefined);
    }
  };
  for (let i = 0; i < batch.itemEvents.length; i++) {
    applyMerges(i);
    const e = batch.itemEvents[i];
    const { item } = e.data;
    // The story now holding the item: a merge later in the batch moved a merged story's items to its survivor.
    const storyId = resolveStory(states, e.data.storyId);
    const vk = itemVersionKey(item.uri, item.version);
    if (!versions.has(vk)) versions.set(vk, [item.uri, item.version, e.data.storyId, e.eventId, item.headline, item.body_text]);
    const cur = states.get(storyId)!.items[item.uri];
    items.set(cur.uri, [cur.uri, storyId, cur.version, cur.pubstatus, cur.headline, cur.firstcreated, cur.versioncreated, cur.ednote]);
    if (cur.version === item.version && item.pubstatus === 'usable') {
      const stmts = byItemVersion(storyId).get(vk) ?? [];
      // the signature of the story the event was folded into (a later merge in the batch folds it on)
      signatures.set(e.data.storyId, updateStorySignature(signatures.get(e.data.storyId), e.data.storyId, item, stmts.map(asExtracted)));
    }
  }
  applyMerges(Infinity);
  if (merges.length) {
    // Items of merged stories recorded in earlier batches now belong to the survivor.
    await client.query(
      `UPDATE ${t.items} i SET story_id = m.survivor FROM unnest($1::uuid[], $2::uuid[]) AS m(merged, survivor) WHERE i.story_id = m.merged`,
      [merges.flatMap((m) => m.merged), merges.flatMap((m) => m.merged.map(() => resolveStory(states, m.survivor)))],
    );
  }
  if (versions.size) {
    const cols = columns([...versions.values()], 6);
    await client.query(
      `INSERT INTO ${t.itemVersions} (uri, version, story_id, event_id, headline, body_text)
       SELECT * FROM unnest($1::text[], $2::int[], $3::uuid[], $4::uuid[], $5::text[], $6::text[])
       ON CONFLICT (uri, version) DO NOTHING`,
      cols,
    );
  }
  if (items.size) {
    const cols = columns([...items.values()], 8);
    await client.query(
      `INSERT INTO ${t.items} (uri, story_id, version, pubstatus, headline, firstcreated, versioncreated, ednote)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::int[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[])
       ON CONFLICT (uri) DO UPDATE SET story_id = EXCLUDED.story_id, version = EXCLUDED.version, pubstatus = EXCLUDED.pubstatus,
         headline = EXCLUDED.headline, firstcreated = EXCLUDED.firstcreated, versioncreated = EXCLUDED.versioncreated, ednote = EXCLUDED.ednote`,
      cols,
    );
  }

  const ids: string[] = [];
  const stories: string[] = [];
  const statuses: string[] = [];
  const sortKeys: string[] = [];
  const speakers: string[] = [];
  const speakerIds: string[] = [];
  const docs: string[] = [];
  for (const [storyId, set] of batch.touched) {
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
      `INSERT INTO ${t.statements} (statement_id, story_id, status, sort_key, speaker, speaker_id, doc)
       SELECT u.id, u.story, u.status, u.sort_key, u.speaker, u.speaker_id, d.doc::jsonb
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[]) WITH ORDINALITY AS u(id, story, status, sort_key, speaker, speaker_id, n)
         JOIN json_array_elements($7::json) WITH ORDINALITY AS d(doc, n) USING (n)
       ON CONFLICT (statement_id) DO UPDATE SET story_id = EXCLUDED.story_id, status = EXCLUDED.status, sort_key = EXCLUDED.sort_key,
         speaker = EXCLUDED.speaker, speaker_id = EXCLUDED.speaker_id, doc = EXCLUDED.doc`,
      // The documents travel as ONE json array (joined by ordinality), not a jsonb[] literal: about 2x faster to send and parse.
      [ids, stories, statuses, sortKeys, speakers, speakerIds, `[${docs.join(',')}]`],
    );
  }

  const rows: unknown[][] = [];
  const stateDocs: string[] = [];
  for (const storyId of storyIds) {
    const state = states.get(storyId)!;
    const active = Object.values(state.statements).filter((st) => st.status === 'active');
    const keys = active.map(saidAtSortKey).sort();
    stateDocs.push(storedStateJson(state));
    const sig = signatures.get(storyId);
    rows.push([
      storyId,
      state.title,
      Object.values(state.items).filter((i) => i.pubstatus === 'usable').length,
      active.length,
      keys[0] ?? null,
      keys[keys.length - 1] ?? null,
      state.lastRecordedAt,
      state.lastGlobalPosition,
      sig && !state.mergedInto ? JSON.stringify(storedSignature(sig, state.title)) : null,
      state.mergedInto ?? null,
    ]);
  }
  if (storyIds.length) {
    await client.query(
      `INSERT INTO ${t.states} (story_id, state)
       SELECT u.id, d.state::jsonb FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, n)
         JOIN json_array_elements($2::json) WITH ORDINALITY AS d(state, n) USING (n)
       ON CONFLICT (story_id) DO UPDATE SET state = EXCLUDED.state`,
      [storyIds, `[${stateDocs.join(',')}]`],
    );
    await client.query(
      `INSERT INTO ${t.stories} (story_id, title, item_count, statement_count, first_said, last_said, updated_at, last_global_position, signature, merged_into)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::timestamptz[], $8::bigint[], $9::jsonb[], $10::uuid[])
       ON CONFLICT (story_id) DO UPDATE SET title = EXCLUDED.title, item_count = EXCLUDED.item_count, statement_count = EXCLUDED.statement_count,
         first_said = EXCLUDED.first_said, last_said = EXCLUDED.last_said, updated_at = EXCLUDED.updated_at,
         last_global_position = EXCLUDED.last_global_position, signature = EXCLUDED.signature, merged_into = EXCLUDED.merged_into`,
      columns(rows, 10),
    );
  }
}

/** Rows to column arrays (for unnest). */
function columns(rows: unknown[][], width: number): unknown[][] {
  const cols: unknown[][] = Array.from({ length: width }, () => []);
  for (const r of rows) for (let i = 0; i < width; i++) cols[i].push(r[i]);
  return cols;
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
