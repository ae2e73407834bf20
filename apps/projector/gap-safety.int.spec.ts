import type { PoolClient } from 'pg';
import type { NewEvent, StoredEvent } from '@timeline/events';
import { AppendResult, Checkpoint, createTestSchema, PgEventLog, sampleWireItemEvent, TestSchema } from '@timeline/event-log';
import { TimelineProjection, TIMELINE_PROJECTION } from '@timeline/read-model';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import { ProjectorRunner } from './projector.runner';
import { prng } from '../../bench/suite/items';

/** A TimelineProjection that remembers every event its gap-safe read returned (the projector's reads). */
class RecordingProjection extends TimelineProjection {
  readonly read: StoredEvent[] = [];
  /** Completed reads (including empty ones). */
  calls = 0;
  protected override async readEvents(client: PoolClient, after: Checkpoint, limit: number): Promise<StoredEvent[]> {
    const page = await super.readEvents(client, after, limit);
    this.calls += 1;
    this.read.push(...page);
    return page;
  }
}


const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

/**
 * Issue 5 item 2, gap safety under concurrency (DESIGN.md decision 5): many
 * concurrent appenders, each holding its transaction open for a random
 * while before COMMIT, so transactions holding lower global positions
 * commit after higher ones; a "holdout" appender forces that on purpose in
 * every round (it commits only after other transactions with higher
 * positions have committed). Two real ProjectorRunners drive the real
 * TimelineProjection the whole time. Every event must be read by the
 * projector exactly once, each stream in stream-position order, and the
 * story states must count every event once. The assertions do not depend on
 * timing: the delays only vary the interleaving.
 */
describe('projector gap safety under concurrent out-of-order commits', () => {
  let db: TestSchema;
  const WORKERS = 6;
  const TX_PER_WORKER = 12;
  const HOLDOUT_ROUNDS = 6;
  const STREAMS = 5;

  beforeEach(async () => {
    db = await createTestSchema({ migrations: ALL_MIGRATIONS, poolMax: WORKERS + 6 });
  });
  afterEach(async () => {
    await db.drop();
  });

  it('applies every event exactly once, per stream in order, while lower positions commit after higher ones', async () => {
    const seed = Number(process.env.GAP_SAFETY_SEED ?? Date.now() % 1_000_000);
    const rnd = prng(seed);
    const log = new PgEventLog(db.pool, { schema: db.schema });
    const projection = new RecordingProjection(db.pool, log, { schema: db.schema, batchSize: 50 });
    const runners = [new ProjectorRunner(projection, 2), new ProjectorRunner(projection, 2)];
    const appended: NewEvent[] = [];
    /** Commits in the order they completed: the transaction's smallest global position. */
    const commits: bigint[] = [];
    let n = 0;
    /** One transaction: BEGIN, append `events`, `hold` (a random delay or a condition), COMMIT. */
    const transaction = async (events: NewEvent[], hold: (r: AppendResult) => Promise<void>) => {
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        const r = await log.append(events, { client });
        await hold(r);
        await client.query('COMMIT');
        appended.push(...events);
        commits.push(r.events.reduce((m, e) => (BigInt(e.globalPosition) < m ? BigInt(e.globalPosition) : m), BigInt(r.events[0].globalPosition)));
        return r;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    };
    const randomEvents = (): NewEvent[] => {
      // 1–3 events on 1–2 of the shared streams (a transaction writing a stream another holds waits for it).
      const count = 1 + Math.floor(rnd() * 3);
      const s1 = Math.floor(rnd() * STREAMS);
      const s2 = rnd() < 0.3 ? (s1 + 1) % STREAMS : s1;
      return Array.from({ length: count }, (_, i) => sampleWireItemEvent(`gap-${i % 2 ? s2 : s1}`, `e${n++}`));
    };
    const worker = async () => {
      for (let t = 0; t < TX_PER_WORKER; t++) {
        const holdMs = Math.floor(rnd() * 25);
        await transaction(randomEvents(), () => sleep(holdMs));
      }
    };
    let forcedInversions = 0;
    const holdout = async () => {
      for (let round = 0; round < HOLDOUT_ROUNDS; round++) {
        // Its own stream, so nobody waits on its stream lock while it holds its position.
        const mine = [sampleWireItemEvent('gap-holdout', `h${round}`)];
        const r = await transaction(mine, async (held) => {
          const low = BigInt(held.events[0].globalPosition);
          // Hold until two transactions with HIGHER global positions have committed (or the workers are done),
          // and the projector has read twice since: a reader that passed over open transactions would now skip this one.
          while (commits.filter((p) => p > low).length < 2 && !workersDone) await sleep(2);
          // Bounded: a hold that never ends would keep this transaction open and stall every gap-safe reader on the server.
          const calls = projection.calls;
          const deadline = Date.now() + 20_000;
          while (projection.calls < calls + 2) {
            if (Date.now() > deadline) throw new Error(`seed ${seed}: the projector did not read twice within 20 s while the holdout held its transaction`);
            await sleep(2);
          }
        });
        const pos = BigInt(r.events[0].globalPosition);
        if (commits.slice(0, -1).some((p) => p > pos)) forcedInversions += 1;
      }
    };
    let workersDone = false;
    runners.forEach((r) => r.start());
    try {
      const workers = Promise.all(Array.from({ length: WORKERS }, worker)).finally(() => {
        workersDone = true;
      });
      await Promise.all([workers, holdout()]);
      // Wait for the projector to reach every appended event.
      const end = Date.now() + 60_000;
      while (new Set(projection.read.map((e) => e.eventId)).size < appended.length) {
        if (Date.now() > end) throw new Error(`seed ${seed}: the projector read ${projection.read.length} of ${appended.length} events after 60 s`);
        await sleep(20);
      }
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
    }

    const total = appended.length;
    // The scenario really happened: lower positions committed after higher ones.
    let inversions = 0;
    for (let i = 0; i < commits.length; i++) for (let j = i + 1; j < commits.length; j++) if (commits[j] < commits[i]) inversions++;
    expect({ seed, forced: forcedInversions > 0 }).toEqual({ seed, forced: true });
    expect(inversions).toBeGreaterThan(0);

    // Exactly once: every appended id read once, nothing else, nothing twice.
    const readIds = projection.read.map((e) => e.eventId).sort();
    expect({ seed, ids: readIds }).toEqual({ seed, ids: appended.map((e) => e.eventId).sort() });
    // Per stream, in stream-position order with no gap.
    const byStream = new Map<string, number[]>();
    for (const e of projection.read) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e.streamPosition]);
    for (const [stream, positions] of byStream) expect({ stream, positions }).toEqual({ stream, positions: positions.map((_, i) => i + 1) });
    // The read model counted each event once, and the checkpoint is at the last event read.
    const counted = await db.pool.query<{ n: number }>(`SELECT coalesce(sum((state->>'eventCount')::int), 0)::int AS n FROM "${db.schema}".rm_story_states`);
    expect(counted.rows[0].n).toBe(total);
    const items = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${db.schema}".rm_items`);
    expect(items.rows[0].n).toBe(total);
    const cp = await log.getCheckpoint(TIMELINE_PROJECTION);
    expect(cp.globalPosition).toBe(projection.read[projection.read.length - 1].globalPosition);
  }, 120_000);
});
