import type { PoolClient } from 'pg';
import {
  createPool,
  EMBEDDED_POOL_MAX,
  SpawnedEmbeddedPostgres,
  EVENT_LOG_MIGRATIONS,
  PgEventLog,
  runMigrations,
  sampleWireItemEvent,
  START_CHECKPOINT,
  spawnEmbeddedPostgres,
} from './index';

jest.setTimeout(120_000);

/**
 * DESIGN.md decision 9: the embedded PGlite server, used by 4 "app" pools.
 * The server runs in a child process (PGlite cannot start inside jest's VM; see spawnEmbeddedPostgres).
 */
describe('startEmbeddedPostgres (PGlite 0.5.14 + pglite-socket 0.2.17)', () => {
  let pg: SpawnedEmbeddedPostgres;
  beforeAll(async () => {
    // Room for two tests' pools at once: pglite-socket frees a closed
    // connection's slot a moment after the socket closes, and these tests open
    // 16 connections right after the previous test closed 16 (it failed once
    // in CI with "Connection terminated unexpectedly" at the 24 default).
    pg = await spawnEmbeddedPostgres({ maxConnections: 48 });
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it('supports xid8, pg_current_xact_id() and pg_snapshot_xmin(pg_current_snapshot())', async () => {
    const pool = createPool(pg.url, { max: 1 });
    try {
      const r = await pool.query(
        `SELECT pg_current_xact_id()::text AS x, pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,
                '5'::xid8 < '7'::xid8 AS cmp, pg_typeof(pg_current_xact_id())::text AS t`,
      );
      expect(r.rows[0]).toMatchObject({ cmp: true, t: 'xid8' });
      expect(BigInt(r.rows[0].xmin)).toBeLessThanOrEqual(BigInt(r.rows[0].x));
    } finally {
      await pool.end();
    }
  });

  it('runs migrations from four pools at once, then appends and reads', async () => {
    const pools = [0, 1, 2, 3].map((i) => createPool(pg.url, { max: EMBEDDED_POOL_MAX, applicationName: `app${i}` }));
    try {
      const reports = await Promise.all(pools.map((p) => runMigrations(p, EVENT_LOG_MIGRATIONS, { schema: 'timeline' })));
      expect(reports.flatMap((r) => r.applied)).toEqual([1, 10, 11, 12]);
      const logs = pools.map((p) => new PgEventLog(p));
      // Four "apps" append concurrently to the same streams.
      await Promise.all(
        logs.map((log, i) =>
          Promise.all([0, 1, 2].map((j) => log.append([sampleWireItemEvent('emb', `e${i}-${j}`), sampleWireItemEvent('emb2', `f${i}-${j}`)]))),
        ),
      );
      const stream = await logs[0].readStream(sampleWireItemEvent('emb', 'x').streamId);
      expect(stream.map((e) => e.streamPosition)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      const all = await logs[1].readAllGapSafe(START_CHECKPOINT, 100);
      expect(all).toHaveLength(24);
      expect(await logs[2].verifyChains()).toMatchObject({ ok: true, eventsChecked: 24 });
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  // Regression: pglite-socket 0.2.17 interleaves extended-protocol messages of different connections
  // outside a transaction when a Bind arrives in a later TCP read ("bind message supplies 2 parameters,
  // but prepared statement "" requires 1", or silently the wrong statement).
  it('keeps each connection\'s Parse/Bind/Execute/Sync together under load with large parameters', async () => {
    const pools = [0, 1, 2, 3].map(() => createPool(pg.url, { max: EMBEDDED_POOL_MAX }));
    try {
      await Promise.all(pools.map((p) => Promise.all([1, 2, 3, 4].map(() => p.query('SELECT 1')))));
      const big = 'x'.repeat(300_000);
      const jobs: Promise<void>[] = [];
      for (let k = 0; k < 1200; k++) {
        const [text, params] =
          k % 8 === 0
            ? ['SELECT length($1::text) + $2::int AS v', [big, k - big.length]]
            : k % 2 === 0
              ? ['SELECT $1::int AS v, 5 AS w', [k]]
              : ['SELECT ($1::text)::int AS v', [String(k)]];
        jobs.push(
          pools[k % 4].query(text, params).then((r) => {
            expect(Number(r.rows[0].v)).toBe(k);
          }),
        );
      }
      await Promise.all(jobs);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('runs transactions of different connections one after another', async () => {
    const p1 = createPool(pg.url, { max: 1 });
    const p2 = createPool(pg.url, { max: 1 });
    let a: PoolClient | undefined;
    try {
      await p1.query('CREATE TABLE IF NOT EXISTS public.tx_probe (n int)');
      a = await p1.connect();
      await a.query('BEGIN');
      await a.query('INSERT INTO public.tx_probe VALUES (1)');
      let seen: number | undefined;
      const other = p2.query('SELECT count(*)::int AS c FROM public.tx_probe').then((r) => (seen = r.rows[0].c));
      // A keeps working inside its transaction; B is not served meanwhile.
      for (let i = 0; i < 20; i++) await a.query('SELECT pg_current_xact_id()');
      expect(seen).toBeUndefined();
      await a.query('COMMIT');
      await other;
      expect(seen).toBe(1);
    } finally {
      a?.release();
      await p1.end();
      await p2.end();
    }
  });

  it('rolls back the open transaction of a connection that disconnects', async () => {
    const p1 = createPool(pg.url, { max: 1 });
    const p2 = createPool(pg.url, { max: 1 });
    try {
      await p1.query('CREATE TABLE IF NOT EXISTS public.dc_probe (n int)');
      const a = await p1.connect();
      await a.query('BEGIN');
      await a.query('INSERT INTO public.dc_probe VALUES (1)');
      a.release(true); // destroy the connection mid-transaction
      const r = await p2.query('SELECT count(*)::int AS c FROM public.dc_probe');
      expect(r.rows[0].c).toBe(0);
    } finally {
      await p1.end();
      await p2.end();
    }
  });
});

describe('startEmbeddedPostgres session wait limit', () => {
  it('answers 55P03 to a connection that waits too long for the session, and stays usable', async () => {
    const pg = await spawnEmbeddedPostgres({ sessionWaitMs: 300 });
    const p1 = createPool(pg.url, { max: 1 });
    const p2 = createPool(pg.url, { max: 1 });
    try {
      await p2.query('SELECT 1'); // connect first
      const a = await p1.connect();
      await a.query('BEGIN');
      await expect(p2.query('SELECT $1::int AS v', [1])).rejects.toMatchObject({ code: '55P03' });
      await expect(p2.query('SELECT 2 AS v')).rejects.toMatchObject({ code: '55P03' });
      await a.query('COMMIT');
      a.release();
      expect((await p2.query('SELECT $1::int AS v', [3])).rows[0].v).toBe(3);
    } finally {
      await p1.end();
      await p2.end();
      await pg.stop();
    }
  });
});
