import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { PgEventLog, quoteSchema } from '@timeline/event-log';

/** What one run left in its schema. */
export interface RunOutcome {
  /** Every event id in the log. */
  eventIds: Set<string>;
  /** Rows minus distinct event ids (the unique index should keep it 0). */
  duplicatedIds: number;
  /** Item versions recorded more than once (two WireItemRecorded events for one uri+version). */
  duplicatedItemVersions: number;
  /** Streams whose positions are not exactly 1..n, or whose sealed head is not at n. */
  brokenStreams: string[];
  streams: number;
  /** libs/event-log verifyChains. */
  chainOk: boolean;
  chainProblem?: string;
  /** sha256 over the timeline read model, run-dependent columns left out (see readModelDigest). */
  readModelDigest: string;
  readModelRows: Record<string, number>;
  /** Stories whose folded event count differs from their stream's length (an event applied twice or skipped). */
  miscountedStories: number;
  /** sha256 of each normalized read-model row, by `table:key` (to name the first difference). */
  rows: Map<string, string>;
}

/** Keys whose values depend on when or in which order a run happened, not on what it was given. */
const RUN_DEPENDENT = /^(recorded_?at|first_?recorded_?at|last_?recorded_?at|updated_?at|last_?global_?position|global_?position|transaction_?id)$/i;

/** Lists that record the order the log delivered things in (a story signature's item uris and speakers): compared as sets. */
const ARRIVAL_ORDERED = /^(itemUris|speakers)$/;

/** Drop run-dependent keys, recursively; objects' keys sorted; arrival-ordered lists sorted. */
export function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      if (RUN_DEPENDENT.test(k)) continue;
      const x = normalize((v as Record<string, unknown>)[k]);
      out[k] = ARRIVAL_ORDERED.test(k) && Array.isArray(x) ? [...x].sort() : x;
    }
    return out;
  }
  return v;
}

const TABLES: Array<{ table: string; key: string }> = [
  { table: 'rm_stories', key: 'story_id' },
  { table: 'rm_story_states', key: 'story_id' },
  { table: 'rm_items', key: 'uri' },
  { table: 'rm_item_versions', key: "uri || ':' || version" },
  { table: 'rm_statements', key: 'statement_id' },
];

/**
 * Inspect one run's schema: the log's ids, duplicates, per-stream
 * contiguity, the hash chains, and a digest of the timeline read model.
 * The digest covers every row of rm_stories, rm_story_states, rm_items,
 * rm_item_versions and rm_statements (ordered by key, JSON with sorted
 * keys) minus the values that legitimately differ between two runs of the
 * same items: recorded_at-derived times and global positions / transaction
 * ids (the log's clock and commit order), wherever they appear; a story
 * signature's `itemUris` and `speakers` (kept in the order the log delivered
 * items, which two writers may commit in either order) compare as sets.
 */
export async function inspectRun(pool: Pool, schema: string): Promise<RunOutcome> {
  const s = quoteSchema(schema);
  const ids = await pool.query<{ id: string }>(`SELECT event_id::text AS id FROM ${s}.events`);
  const eventIds = new Set(ids.rows.map((r) => r.id));
  const dupItems = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT data->'item'->>'uri', data->'item'->>'version' FROM ${s}.events
       WHERE type = 'WireItemRecorded' GROUP BY 1, 2 HAVING count(*) > 1) d`,
  );
  const streams = await pool.query<{ stream_id: string; n: number; lo: number; hi: number; head: number | null }>(
    `SELECT e.stream_id, count(*)::int AS n, min(e.stream_position) AS lo, max(e.stream_position) AS hi, h.position AS head
       FROM ${s}.events e LEFT JOIN ${s}.stream_heads h USING (stream_id) GROUP BY e.stream_id, h.position`,
  );
  const brokenStreams = streams.rows.filter((r) => !(r.lo === 1 && r.hi === r.n && r.head === r.n)).map((r) => r.stream_id);
  const report = await new PgEventLog(pool, { schema }).verifyChains();
  const counts = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${s}.rm_story_states st
       LEFT JOIN (SELECT data->>'storyId' AS story_id, count(*)::int AS n FROM ${s}.events GROUP BY 1) e ON e.story_id = st.story_id::text
      WHERE (st.state->>'eventCount')::int IS DISTINCT FROM e.n`,
  );
  const hash = createHash('sha256');
  const readModelRows: Record<string, number> = {};
  const rows = new Map<string, string>();
  for (const { table, key } of TABLES) {
    const r = await pool.query<{ k: string; row: Record<string, unknown> }>(`SELECT (${key})::text AS k, to_jsonb(t) AS row FROM ${s}.${table} t ORDER BY 1`);
    readModelRows[table] = r.rowCount ?? 0;
    for (const x of r.rows) {
      const line = JSON.stringify(normalize(x.row));
      rows.set(`${table}:${x.k}`, createHash('sha256').update(line).digest('hex'));
      hash.update(`${table}\u0000${x.k}\u0000${line}\n`);
    }
  }
  return {
    eventIds,
    duplicatedIds: ids.rows.length - eventIds.size,
    duplicatedItemVersions: dupItems.rows[0].n,
    brokenStreams,
    streams: streams.rows.length,
    chainOk: report.ok,
    chainProblem: report.firstProblem ? JSON.stringify(report.firstProblem) : undefined,
    readModelDigest: hash.digest('hex'),
    readModelRows,
    miscountedStories: counts.rows[0].n,
    rows,
  };
}

/** Per table, how many rows differ between two runs (or exist in one only), and the first such key. */
export function differences(a: RunOutcome, b: RunOutcome): Record<string, { rows: number; first: string }> {
  const out: Record<string, { rows: number; first: string }> = {};
  const note = (k: string) => {
    const t = k.slice(0, k.indexOf(':'));
    out[t] = out[t] ? { rows: out[t].rows + 1, first: out[t].first } : { rows: 1, first: k };
  };
  for (const [k, v] of a.rows) if (b.rows.get(k) !== v) note(k);
  for (const k of b.rows.keys()) if (!a.rows.has(k)) note(k);
  return out;
}

/** `table:key` of the first read-model row that differs between two runs (or exists in one only), or null. */
export function firstDifference(a: RunOutcome, b: RunOutcome): string | null {
  for (const [k, v] of a.rows) if (b.rows.get(k) !== v) return k;
  for (const k of b.rows.keys()) if (!a.rows.has(k)) return k;
  return null;
}
