import { Pipeline, startPipeline } from './support/pipeline';

/**
 * /health tells the truth (issue 5, item 5): with every process up, a
 * projector that cannot make progress (its writes blocked by a lock held
 * here) turns /health into 503 once events have been pending with the
 * checkpoint unmoved for PROJECTOR_STUCK_AFTER_S (1 s here), and back to
 * 200 when it catches up. Waits on conditions only.
 */
describe('GET /health: projector lag, consumer, dead letters, stuck projector', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline({ PROJECTOR_STUCK_AFTER_S: '1' });
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  }, 30_000);

  const health = async () => {
    const r = await fetch(`${p.apiUrl}/health`);
    return { status: r.status, body: (await r.json()) as any };
  };
  async function until<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('reports lag, consumer and dead letters; 503 while the projector is stuck with events pending; 200 again once it catches up', async () => {
    const ok = await health();
    expect(ok.status).toBe(200);
    expect(ok.body.details.projector).toMatchObject({ status: 'up', eventsBehind: 0, secondsBehind: 0, stuckAfterSeconds: 1 });
    expect(ok.body.details.consumer).toMatchObject({ status: 'up', durable: p.cfg.durable, pending: 0, ackPending: 0 });
    expect(ok.body.details.deadLetters).toEqual({ status: 'up', pending: 0, bySource: {} });

    const holder = await p.db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE "${p.db.schema}".rm_story_states IN EXCLUSIVE MODE`);
      const item = { uri: 'urn:test:health-stuck', version: '1', versioncreated: '2024-06-01T09:00:00Z', headline: 'Port reopens', body_text: '"It is open," the harbour master said on Saturday.' };
      const res = await fetch(`${p.ingestUrl}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(item) });
      expect(res.status).toBe(202);
      const stuck = await until(async () => {
        const h = await health();
        return h.status === 503 ? h : undefined;
      }, '/health to report the stuck projector');
      expect(stuck.body.status).toBe('error');
      expect(stuck.body.details.projector.status).toBe('down');
      expect(stuck.body.details.projector.eventsBehind).toBeGreaterThan(0);
      expect(stuck.body.details.projector.message).toMatch(/^projector made no progress for \d+ s while \d+ events behind$/);
      expect(stuck.body.details.postgres.status).toBe('up');
      expect(stuck.body.details.nats.status).toBe('up');
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    let last: unknown;
    const back = await until(async () => {
      const h = await health();
      last = h.body;
      return h.status === 200 && h.body.details.projector.eventsBehind === 0 ? h : undefined;
      // Long: the gap-safe read waits for every older transaction of the server, other jobs' ones included.
    }, '/health to be 200 again', 150_000).catch(async (err) => {
      const act = await p.db.pool.query(`SELECT application_name, state, wait_event_type, wait_event, left(query, 120) AS q, xact_start FROM pg_stat_activity WHERE datname = current_database() AND application_name IN ('projector','api','ingest','event-log-writer')`);
      throw new Error(`${err.message}: ${JSON.stringify(last)} ${JSON.stringify(act.rows)}`);
    });
    expect(back.body.details.projector.status).toBe('up');
  }, 240_000);
});
