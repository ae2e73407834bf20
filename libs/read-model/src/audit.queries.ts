import type { Pool } from 'pg';
import { HeadsDigest, quoteSchema } from '@timeline/event-log';
import type { ReplayEvent } from '@timeline/events';
import { currentVersionsJson, decodeReplayRow, ReplayRow, replayRowColumns } from './log-read';

/** A stored row exactly as hashed (no upcasting): what audit bundles export. */
export interface RawEventRow {
  eventId: string;
  streamId: string;
  streamPosition: number;
  globalPosition: string;
  transactionId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
  recordedAt: string;
  prevHash: string;
  hash: string;
}

/**
 * Read-side lookups the audit features need besides PgEventLog: sealed
 * heads, the story a statement belongs to, and raw (not upcast) stream rows
 * for export. Single statements on the pool, no transaction.
 */
export class AuditQueries {
  private readonly s: string;
  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.s = quoteSchema(schema);
  }

  /** The sealed head of a stream (position 0 = created but empty), or null when the stream is unknown. */
  async streamHead(streamId: string): Promise<{ position: number; hash: string } | null> {
    const r = await this.pool.query<{ position: number; hash: string }>(`SELECT position, hash FROM ${this.s}.stream_heads WHERE stream_id = $1`, [streamId]);
    return r.rowCount ? r.rows[0] : null;
  }

  /**
   * The story id a statement belongs to: from the read model, else (a statement
   * the read model does not hold, e.g. during a rebuild) from the log itself.
   * @returns null when no StatementRecorded event names it.
   */
  async storyOfStatement(statementId: string): Promise<string | null> {
    const rm = await this.pool.query<{ story_id: string }>(`SELECT story_id::text AS story_id FROM ${this.s}.rm_statements WHERE statement_id = $1`, [statementId]);
    if (rm.rowCount) return rm.rows[0].story_id;
    const ev = await this.pool.query<{ story_id: string }>(
      `SELECT data->>'storyId' AS story_id FROM ${this.s}.events WHERE type = 'StatementRecorded' AND data->>'statementId' = $1 LIMIT 1`,
      [statementId],
    );
    return ev.rowCount ? ev.rows[0].story_id : null;
  }

  /** Every row of a stream, raw as stored (schema version and data not upcast), in stream-position order. */
  async rawStream(streamId: string): Promise<RawEventRow[]> {
    const r = await this.pool.query<RawEventRow>(
      `SELECT event_id::text AS "eventId", stream_id AS "streamId", stream_position AS "streamPosition",
              global_position::text AS "globalPosition", transaction_id::text AS "transactionId", type,
              schema_version AS "schemaVersion", data, metadata,
              to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "recordedAt",
              prev_hash AS "prevHash", hash
         FROM ${this.s}.events WHERE stream_id = $1 ORDER BY stream_position`,
      [streamId],
    );
    return r.rows;
  }

  /**
   * A stream's rows for as-of replay, raw (not upcast), in stream-position
   * order, bounded in SQL (inclusive): `toGlobalPosition` (decimal string)
   * and/or `asOf` (ISO instant on recorded_at). The item text
   * (`data.item.body_text`) is left out: `evolve` never reads it and it is the
   * bulk of the bytes (the text a statement quotes is served by
   * GET /statements/:id); the schema's default (empty text) takes its place,
   * so these rows are NOT hashable: never verify chains with them.
   */
  async replayRows(streamId: string, bound: { toGlobalPosition?: string; asOf?: string } = {}): Promise<RawEventRow[]> {
    const where = ['stream_id = $1'];
    const params: unknown[] = [streamId];
    if (bound.toGlobalPosition !== undefined) {
      params.push(bound.toGlobalPosition);
      where.push(`global_position <= $${params.length}::bigint`);
    }
    if (bound.asOf !== undefined) {
      params.push(bound.asOf);
      where.push(`recorded_at <= $${params.length}::timestamptz`);
    }
    const r = await this.pool.query<RawEventRow>(
      `SELECT event_id::text AS "eventId", stream_id AS "streamId", stream_position AS "streamPosition",
              global_position::text AS "globalPosition", transaction_id::text AS "transactionId", type,
              schema_version AS "schemaVersion",
              CASE WHEN type = 'WireItemRecorded' THEN data #- '{item,body_text}' ELSE data END AS data, metadata,
              to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "recordedAt",
              prev_hash AS "prevHash", hash
         FROM ${this.s}.events WHERE ${where.join(' AND ')} ORDER BY stream_position`,
      params,
    );
    return r.rows;
  }

  /**
   * A stream's events for as-of replay, in stream-position order, in ONE
   * query (array rows), bounded in SQL (inclusive): `toGlobalPosition`
   * (decimal string) and/or `asOf` (ISO instant on recorded_at), and only
   * after `afterStreamPosition` (a replay snapshot's position; default 0).
   * ReplayEvents: no metadata, chain hashes, transaction id or item text
   * (replayRowColumns: a fold reads none of them, and the metadata and text
   * were ~30 % of the JSON Postgres printed and the client parsed); decoded by decodeReplayRow (current-version rows
   * as stored, validated at append; older ones upcast and validated).
   * @throws Error naming the position of a row that cannot be upcast or fails validation.
   */
  async replayEvents(streamId: string, bound: { toGlobalPosition?: string; asOf?: string } = {}, afterStreamPosition = 0): Promise<ReplayEvent[]> {
    const where = ['e.stream_id = $1', 'e.stream_position > $2'];
    const params: unknown[] = [streamId, afterStreamPosition, currentVersionsJson()];
    if (bound.toGlobalPosition !== undefined) {
      params.push(bound.toGlobalPosition);
      where.push(`e.global_position <= $${params.length}::bigint`);
    }
    if (bound.asOf !== undefined) {
      params.push(bound.asOf);
      where.push(`e.recorded_at <= $${params.length}::timestamptz`);
    }
    const r = await this.pool.query<ReplayRow>({
      text: `SELECT ${replayRowColumns('$3')} FROM ${this.s}.events AS e WHERE ${where.join(' AND ')} ORDER BY e.stream_position`,
      values: params,
      rowMode: 'array',
    });
    const out = new Array<ReplayEvent>(r.rows.length);
    for (let i = 0; i < r.rows.length; i++) out[i] = decodeReplayRow(streamId, r.rows[i]);
    return out;
  }

  /**
   * sha256 over every sealed head, computed as PgEventLog.verifyChains does
   * (`stream_id:position:hash`, byte order of stream ids), without reading the events.
   */
  async headsDigest(): Promise<string> {
    const digest = new HeadsDigest();
    let after: string | null = null;
    for (;;) {
      const r: { rows: Array<{ stream_id: string; position: number; hash: string }> } = await this.pool.query(
        `SELECT stream_id, position, hash FROM ${this.s}.stream_heads
          WHERE ${after === null ? 'TRUE' : 'stream_id COLLATE "C" > $1'} ORDER BY stream_id COLLATE "C" LIMIT 1000`,
        after === null ? [] : [after],
      );
      for (const h of r.rows) digest.add(h.stream_id, h.position, h.hash);
      if (r.rows.length < 1000) return digest.digest();
      after = r.rows[r.rows.length - 1].stream_id;
    }
  }

  /**
   * Phase 1 of a cached replay read: a stream's rows WITHOUT data and
   * metadata (positions, time, type, version, hashes), bounded as replayRows.
   */
  async replayIndex(streamId: string, bound: { toGlobalPosition?: string; asOf?: string } = {}): Promise<Array<Omit<RawEventRow, 'data' | 'metadata'>>> {
    const where = ['stream_id = $1'];
    const params: unknown[] = [streamId];
    if (bound.toGlobalPosition !== undefined) {
      params.push(bound.toGlobalPosition);
      where.push(`global_position <= $${params.length}::bigint`);
    }
    if (bound.asOf !== undefined) {
      params.push(bound.asOf);
      where.push(`recorded_at <= $${params.length}::timestamptz`);
    }
    const r = await this.pool.query(
      `SELECT event_id::text AS "eventId", stream_id AS "streamId", stream_position AS "streamPosition",
              global_position::text AS "globalPosition", transaction_id::text AS "transactionId", type,
              schema_version AS "schemaVersion",
              to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "recordedAt",
              prev_hash AS "prevHash", hash
         FROM ${this.s}.events WHERE ${where.join(' AND ')} ORDER BY stream_position`,
      params,
    );
    return r.rows;
  }

  /** Phase 2: data (item text left out, as replayRows) and metadata of some events, by id. */
  async replayData(eventIds: string[]): Promise<Map<string, { data: unknown; metadata: unknown }>> {
    if (!eventIds.length) return new Map();
    const r = await this.pool.query<{ id: string; data: unknown; metadata: unknown }>(
      `SELECT event_id::text AS id, CASE WHEN type = 'WireItemRecorded' THEN data #- '{item,body_text}' ELSE data END AS data, metadata
         FROM ${this.s}.events WHERE event_id = ANY($1::uuid[])`,
      [eventIds],
    );
    return new Map(r.rows.map((x) => [x.id, { data: x.data, metadata: x.metadata }]));
  }

  /** Number of events in the log (for progress bars). */
  async eventCount(): Promise<number> {
    const r = await this.pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${this.s}.events`);
    return Number(r.rows[0].n);
  }
}
