import { createTestSchema, PgEventLog, sampleWireItemEvent, TestSchema } from './index';

/** Tamper evidence (DESIGN.md decision 6): raw SQL edits, each named by stream and position. */
describe('PgEventLog.verifyChains (real Postgres)', () => {
  let db: TestSchema;
  let log: PgEventLog;
  let stream: string;
  let other: string;

  beforeEach(async () => {
    db = await createTestSchema();
    log = new PgEventLog(db.pool, { schema: db.schema });
    const events = [1, 2, 3, 4, 5].map((i) => sampleWireItemEvent('victim', `e${i}`));
    stream = events[0].streamId;
    await log.append(events.slice(0, 3));
    await log.append(events.slice(3));
    const o = sampleWireItemEvent('bystander', 'x');
    other = o.streamId;
    await log.append([o]);
    expect((await log.verifyChains()).ok).toBe(true);
  });
  afterEach(() => db.drop());

  const sql = (text: string, params: unknown[] = []) => db.pool.query(text.replace(/\bT\./g, `${db.schema}.`), params);

  it('reports an intact log, with progress and a heads digest', async () => {
    const progress: number[] = [];
    const r = await log.verifyChains({ onProgress: (n) => progress.push(n) });
    expect(r).toMatchObject({ ok: true, streamsChecked: 2, eventsChecked: 6, problems: [] });
    expect(r.firstProblem).toBeUndefined();
    expect(r.headsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(progress[progress.length - 1]).toBe(6);
  });

  it('detects an edited row', async () => {
    await sql(`UPDATE T.events SET data = jsonb_set(data, '{item,headline}', '"Forged"') WHERE stream_id = $1 AND stream_position = 3`, [stream]);
    const r = await log.verifyChains();
    expect(r.ok).toBe(false);
    expect(r.firstProblem).toMatchObject({ streamId: stream, streamPosition: 3, kind: 'hash_mismatch' });
    expect(r.problems).toHaveLength(1);
  });

  it('detects an edited row whose hash was recomputed (the next row no longer links)', async () => {
    await sql(`UPDATE T.events SET hash = repeat('a', 64) WHERE stream_id = $1 AND stream_position = 2`, [stream]);
    const r = await log.verifyChains();
    expect(r.firstProblem).toMatchObject({ streamId: stream, streamPosition: 2, kind: 'hash_mismatch' });
  });

  it('detects a deleted middle row', async () => {
    await sql(`DELETE FROM T.events WHERE stream_id = $1 AND stream_position = 2`, [stream]);
    expect((await log.verifyChains()).firstProblem).toMatchObject({ streamId: stream, streamPosition: 2, kind: 'position_gap' });
  });

  it('detects a deleted middle row when later rows were renumbered', async () => {
    await sql(`DELETE FROM T.events WHERE stream_id = $1 AND stream_position = 2`, [stream]);
    await sql(`UPDATE T.events SET stream_position = stream_position - 1 WHERE stream_id = $1 AND stream_position > 2`, [stream]);
    expect((await log.verifyChains()).firstProblem).toMatchObject({ streamId: stream, streamPosition: 2, kind: 'prev_hash_mismatch' });
  });

  it('detects deleted newest rows through the sealed head', async () => {
    await sql(`DELETE FROM T.events WHERE stream_id = $1 AND stream_position >= 4`, [stream]);
    const r = await log.verifyChains();
    expect(r.firstProblem).toMatchObject({ streamId: stream, streamPosition: 4, kind: 'head_mismatch' });
    expect(r.firstProblem!.message).toMatch(/newest 2 event/);
  });

  it('detects a stream whose rows were all deleted', async () => {
    await sql(`DELETE FROM T.events WHERE stream_id = $1`, [other]);
    expect((await log.verifyChains()).problems).toEqual([expect.objectContaining({ streamId: other, streamPosition: 1, kind: 'head_mismatch' })]);
  });

  it('detects a forged row inserted at the end, even with a correctly chained hash', async () => {
    // The forger copies the last row's shape and links it properly, but cannot move the sealed head without being noticed.
    const last = (await log.readStream(stream)).at(-1)!;
    const { chainHash } = await import('@timeline/events');
    const forged = { ...sampleWireItemEvent('victim', 'forged'), streamPosition: 6, recordedAt: last.recordedAt };
    const hash = chainHash(last.hash, forged);
    await sql(
      `INSERT INTO T.events (event_id, stream_id, stream_position, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
       VALUES ($1, $2, 6, $3, 1, $4, $5, $6, $7, $8)`,
      [forged.eventId, stream, forged.type, JSON.stringify(forged.data), JSON.stringify(forged.metadata), forged.recordedAt, last.hash, hash],
    );
    const r = await log.verifyChains();
    expect(r.firstProblem).toMatchObject({ streamId: stream, streamPosition: 6, kind: 'head_mismatch' });
  });

  it('detects a forged row with a made-up hash', async () => {
    const forged = sampleWireItemEvent('victim', 'forged');
    await sql(
      `INSERT INTO T.events (event_id, stream_id, stream_position, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
       SELECT $1, stream_id, 6, type, schema_version, data, metadata, recorded_at, hash, repeat('b', 64)
       FROM T.events WHERE stream_id = $2 AND stream_position = 5`,
      [forged.eventId, stream],
    );
    expect((await log.verifyChains()).firstProblem).toMatchObject({ streamId: stream, streamPosition: 6, kind: 'hash_mismatch' });
  });

  it('streams large logs in pages', async () => {
    const many = Array.from({ length: 2500 }, (_, i) => sampleWireItemEvent(`bulk${i % 3}`, `n${i}`));
    await log.append(many);
    const progress: number[] = [];
    const r = await log.verifyChains({ onProgress: (n) => progress.push(n) });
    expect(r).toMatchObject({ ok: true, eventsChecked: 2506, streamsChecked: 5 });
    expect(progress.length).toBeGreaterThanOrEqual(3);
  });
});
