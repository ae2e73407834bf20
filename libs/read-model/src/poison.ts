import type { Pool } from 'pg';
import type { StoredEvent } from '@timeline/events';
import {
  checkpointOf,
  compareCheckpoints,
  DeadLetter,
  EVENT_COLUMNS,
  EventRow,
  listDeadLetters,
  markRedriven,
  PgEventLog,
  quoteSchema,
  recordDeadLetter,
  toStoredEvent,
} from '@timeline/event-log';
import { foldTimelineBatch, projectionLockKey, rmTables, TIMELINE_PROJECTION, writeTimelineRows } from './timeline.projection';

/** The dead-letter `source` of a projection: `projector:<name>`. */
export function projectorSource(name: string = TIMELINE_PROJECTION): `projector:${string}` {
  return `projector:${name}`;
}

/** What {@link skipPoisonEvent} skipped. */
export interface SkippedEvent {
  deadLetterId: string;
  globalPosition: string;
  eventId: string;
  streamId: string;
  storyId: string | null;
}

/**
 * Skip the next event of a projection as poison: in ONE transaction holding
 * the projection's advisory lock, read the next event after the checkpoint
 * gap-safely, as a raw row (it may not pass upcasting/validation), record it
 * in `dead_letters` (source `projector:<name>`, the error, the attempt count,
 * the row as payload, its story id) and move the checkpoint past it.
 * The caller decides it is poison (the same event failed non-transiently
 * PROJECTOR_MAX_ATTEMPTS times, one event per step).
 * @returns what was skipped; null when there was no next event or another instance holds the lock.
 * @throws the database error (nothing recorded, checkpoint unchanged).
 */
export async function skipPoisonEvent(
  pool: Pool,
  log: PgEventLog,
  opts: { schema: string; name?: string; error: string; attempts: number },
): Promise<SkippedEvent | null> {
  const name = opts.name ?? TIMELINE_PROJECTION;
  const q = quoteSchema(opts.schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const lock = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok`, [projectionLockKey(opts.schema, name)]);
    if (!lock.rows[0].ok) {
      await client.query('ROLLBACK');
      return null;
    }
    const cp = await log.getCheckpoint(name, client);
    const r = await client.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${q}.events AS e
        WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          AND (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
        ORDER BY e.transaction_id, e.global_position LIMIT 1`,
      [cp.transactionId, cp.globalPosition],
    );
    const row = r.rows[0];
    if (!row) {
      await client.query('ROLLBACK');
      return null;
    }
    const storyId = typeof (row.data as { storyId?: unknown } | null)?.storyId === 'string' ? (row.data as { storyId: string }).storyId : null;
    const id = await recordDeadLetter(client, opts.schema, {
      source: projectorSource(name),
      eventId: row.event_id,
      globalPosition: row.global_position,
      streamId: row.stream_id,
      storyId: storyId ?? undefined,
      error: opts.error,
      attempts: opts.attempts,
      payload: JSON.stringify(row),
    });
    await log.saveCheckpoint(name, checkpointOf({ transactionId: row.transaction_id, globalPosition: row.global_position }), client);
    await client.query('COMMIT');
    return { deadLetterId: id, globalPosition: row.global_position, eventId: row.event_id, streamId: row.stream_id, storyId };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Outcome of redriving one projector dead letter. */
export interface ProjectorRedrive {
  id: string;
  ok: boolean;
  /** Events of the story re-folded (ok) or why it still fails. */
  detail: string;
}

/**
 * Redrive projector dead letters after a fix (an upcaster, a handler fix):
 * per story, in ONE transaction holding the projection's advisory lock
 * (waiting for the running projector's step to commit), re-fold the story's
 * whole stream from the beginning with the shared `evolve` — every event the
 * projection has passed (up to its checkpoint, in (transaction id, global
 * position) order), now including the redriven ones, still leaving out other
 * pending dead letters of that story — and rewrite its rows; then mark the
 * dead letters redriven. Re-folding the whole story (not applying the one
 * event late) keeps the story's events in their log order.
 * A dead letter whose event still fails stays pending (ok: false, the error).
 * Writer dead letters are not handled here (they are republished).
 */
export async function redriveProjectorDeadLetters(pool: Pool, log: PgEventLog, schema: string, letters: DeadLetter[]): Promise<ProjectorRedrive[]> {
  const out: ProjectorRedrive[] = [];
  const byStream = new Map<string, DeadLetter[]>();
  for (const d of letters) {
    if (!d.source.startsWith('projector:') || !d.streamId) {
      out.push({ id: d.id, ok: false, detail: `not a projector dead letter with a stream (source ${d.source})` });
      continue;
    }
    const k = `${d.source}\u001f${d.streamId}`;
    byStream.set(k, [...(byStream.get(k) ?? []), d]);
  }
  const q = quoteSchema(schema);
  for (const [k, group] of byStream) {
    const [source, streamId] = k.split('\u001f');
    const name = source.slice('projector:'.length);
    const redriven = new Set(group.map((d) => d.globalPosition));
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [projectionLockKey(schema, name)]);
      const cp = await log.getCheckpoint(name, client);
      const pending = await listDeadLetters(client, schema, { source, pendingOnly: true, limit: 100_000 });
      const skip = new Set(pending.filter((d) => d.streamId === streamId && !redriven.has(d.globalPosition)).map((d) => d.globalPosition));
      const rows = await client.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM ${q}.events WHERE stream_id = $1 ORDER BY stream_position`,
        [streamId],
      );
      const events: StoredEvent[] = [];
      for (const row of rows.rows) {
        if (skip.has(row.global_position)) continue;
        if (compareCheckpoints(checkpointOf({ transactionId: row.transaction_id, globalPosition: row.global_position }), cp) > 0) continue;
        events.push(toStoredEvent(row));
      }
      const states = new Map();
      const batch = foldTimelineBatch(states, events);
      if (events.length) await writeTimelineRows(client, rmTables(schema), states, batch);
      await markRedriven(client, schema, group.map((d) => d.id));
      await client.query('COMMIT');
      for (const d of group) out.push({ id: d.id, ok: true, detail: `story stream ${streamId} re-folded from ${events.length} events` });
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      for (const d of group) out.push({ id: d.id, ok: false, detail: (err as Error).message });
    } finally {
      client.release();
    }
  }
  return out;
}
