import { GENESIS_HASH, chainHash, InvalidEventError, NewEvent } from '@timeline/events';
import { PgEventLog, WrongExpectedVersionError, createTestSchema, sampleWireItemEvent, TestSchema, createPool } from './index';

describe('PgEventLog.append (real Postgres)', () => {
  let db: TestSchema;
  let log: PgEventLog;
  const fixed = new Date('2024-05-01T12:34:56.789Z');

  beforeEach(async () => {
    db = await createTestSchema();
    log = new PgEventLog(db.pool, { schema: db.schema, clock: () => fixed });
  });
  afterEach(async () => {
    await db.drop();
  });

  it('assigns contiguous stream positions from 1, increasing global positions and a hash chain', async () => {
    const e1 = sampleWireItemEvent('s1', 'a');
    const e2 = sampleWireItemEvent('s1', 'b');
    const other = sampleWireItemEvent('s2', 'c');
    const r1 = await log.append([e1, other]);
    const r2 = await log.append([e2]);
    expect(r1.appended).toBe(2);
    expect(r1.events.map((r) => [r.status, r.streamPosition])).toEqual([['appended', 1], ['appended', 1]]);
    expect(r2.events[0]).toMatchObject({ status: 'appended', streamId: e1.streamId, streamPosition: 2 });
    expect(BigInt(r2.events[0].globalPosition)).toBeGreaterThan(BigInt(r1.events[1].globalPosition));
    expect(BigInt(r1.events[1].globalPosition)).toBeGreaterThan(BigInt(r1.events[0].globalPosition));

    const stream = await log.readStream(e1.streamId);
    expect(stream.map((e) => e.eventId)).toEqual([e1.eventId, e2.eventId]);
    expect(stream[0].prevHash).toBe(GENESIS_HASH);
    expect(stream[0].recordedAt).toBe('2024-05-01T12:34:56.789Z');
    expect(stream[1].prevHash).toBe(stream[0].hash);
    const { type, data, metadata, schemaVersion } = e2;
    expect(stream[1].hash).toBe(
      chainHash(stream[0].hash, { eventId: e2.eventId, streamId: e2.streamId, streamPosition: 2, type, schemaVersion, data, metadata, recordedAt: '2024-05-01T12:34:56.789Z' }),
    );
    expect(stream[1].data).toEqual(e2.data);
    expect(stream[1].transactionId).toMatch(/^\d+$/);
    const heads = await db.pool.query(`SELECT position, hash FROM ${db.schema}.stream_heads WHERE stream_id = $1`, [e1.streamId]);
    expect(heads.rows[0]).toEqual({ position: 2, hash: stream[1].hash });
    await expect(log.verifyChains()).resolves.toMatchObject({ ok: true, streamsChecked: 2, eventsChecked: 3 });
  });

  it('treats an event id already in the log as a silent no-op (later batch)', async () => {
    const e1 = sampleWireItemEvent('s1', 'a');
    const first = await log.append([e1]);
    const again = await log.append([e1, sampleWireItemEvent('s1', 'b')]);
    expect(again.events[0]).toEqual({ ...first.events[0], status: 'duplicate' });
    expect(again.events[1]).toMatchObject({ status: 'appended', streamPosition: 2 });
    expect(again).toMatchObject({ appended: 1, duplicates: 1 });
    expect(await log.readStream(e1.streamId)).toHaveLength(2);
  });

  it('treats an event id repeated within one batch as a no-op', async () => {
    const a = sampleWireItemEvent('s1', 'a');
    const b = sampleWireItemEvent('s1', 'b');
    const r = await log.append([a, b, a]);
    expect(r.events.map((x) => [x.status, x.streamPosition])).toEqual([['appended', 1], ['appended', 2], ['duplicate', 1]]);
    expect(r.events[2].globalPosition).toBe(r.events[0].globalPosition);
    expect(await log.readStream(a.streamId)).toHaveLength(2);
    expect((await log.verifyChains()).ok).toBe(true);
  });

  it('accepts upper-case event ids and stores them lower-case (the hash stays verifiable)', async () => {
    const e = sampleWireItemEvent('s1', 'a');
    const upper = { ...e, eventId: e.eventId.toUpperCase() };
    await log.append([upper]);
    expect((await log.append([e])).events[0].status).toBe('duplicate');
    expect((await log.verifyChains()).ok).toBe(true);
  });

  it('rejects the whole batch on an invalid event, naming the event id and field', async () => {
    const good = sampleWireItemEvent('s1', 'a');
    const bad = sampleWireItemEvent('s1', 'b');
    const broken = { ...bad, data: { ...bad.data, contentHash: 'nope' } } as NewEvent;
    const err = await log.append([good, broken]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidEventError);
    expect((err as InvalidEventError).message).toContain(bad.eventId);
    expect((err as InvalidEventError).message).toContain('contentHash');
    expect((err as InvalidEventError).path).toBe('contentHash');
    expect(await log.readStream(good.streamId)).toEqual([]);
  });

  it('checks expected versions and writes nothing on a conflict', async () => {
    const a = sampleWireItemEvent('s1', 'a');
    const b = sampleWireItemEvent('s1', 'b');
    await log.append([a], { expectedVersions: { [a.streamId]: 'no_stream' } });
    await expect(log.append([b], { expectedVersions: { [a.streamId]: 'no_stream' } })).rejects.toMatchObject({
      name: 'WrongExpectedVersionError',
      streamId: a.streamId,
      expected: 'no_stream',
      actual: 1,
    });
    const err = await log.append([b, sampleWireItemEvent('s2', 'x')], { expectedVersions: { [a.streamId]: 0 } }).catch((e) => e);
    expect(err).toBeInstanceOf(WrongExpectedVersionError);
    expect(await log.readStream(sampleWireItemEvent('s2', 'x').streamId)).toEqual([]);
    await expect(log.append([b], { expectedVersions: { [a.streamId]: 1 } })).resolves.toMatchObject({ appended: 1 });
    // A redelivered batch (all duplicates) succeeds although the version moved on.
    await expect(log.append([b], { expectedVersions: { [a.streamId]: 1 } })).resolves.toMatchObject({ duplicates: 1 });
  });

  it('serializes two pools appending to the same streams concurrently: no deadlock, no double append, no gap', async () => {
    const pool2 = createPool(db.url, { max: 5 });
    const log2 = new PgEventLog(pool2, { schema: db.schema });
    try {
      const streams = ['p', 'q', 'r'];
      // Each writer appends overlapping batches in opposite stream orders; half the ids are shared.
      const batch = (w: string, i: number) =>
        (w === 'A' ? streams : [...streams].reverse()).flatMap((s) => [
          sampleWireItemEvent(s, `shared-${i}`),
          sampleWireItemEvent(s, `${w}-${i}`),
        ]);
      const runs: Promise<unknown>[] = [];
      for (let i = 0; i < 20; i++) {
        runs.push(log.append(batch('A', i)));
        runs.push(log2.append(batch('B', i)));
      }
      await Promise.all(runs);
      for (const s of streams) {
        const events = await log.readStream(sampleWireItemEvent(s, 'x').streamId);
        expect(events).toHaveLength(20 * 3); // shared once + A + B per round
        expect(events.map((e) => e.streamPosition)).toEqual(events.map((_, i) => i + 1));
        expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
      }
      expect(await log.verifyChains()).toMatchObject({ ok: true, eventsChecked: 180 });
    } finally {
      await pool2.end();
    }
  });

  it('reads a stream as of a recorded_at instant, up to a global or stream position', async () => {
    let now = new Date('2024-05-01T10:00:00.000Z');
    const timed = new PgEventLog(db.pool, { schema: db.schema, clock: () => now });
    const [a, b, c] = ['a', 'b', 'c'].map((k) => sampleWireItemEvent('s1', k));
    const ra = await timed.append([a]);
    now = new Date('2024-05-01T11:00:00.000Z');
    const rb = await timed.append([b, sampleWireItemEvent('s2', 'other')]);
    now = new Date('2024-05-01T12:00:00.000Z');
    await timed.append([c]);
    const ids = (es: { eventId: string }[]) => es.map((e) => e.eventId);
    expect(ids(await timed.readStream(a.streamId, { asOf: '2024-05-01T10:59:59.999Z' }))).toEqual([a.eventId]);
    expect(ids(await timed.readStream(a.streamId, { asOf: '2024-05-01T11:00:00.000Z' }))).toEqual([a.eventId, b.eventId]);
    expect(ids(await timed.readStream(a.streamId, { toGlobalPosition: rb.events[1].globalPosition }))).toEqual([a.eventId, b.eventId]);
    expect(ids(await timed.readStream(a.streamId, { toGlobalPosition: ra.events[0].globalPosition }))).toEqual([a.eventId]);
    expect(ids(await timed.readStream(a.streamId, { toStreamPosition: 2 }))).toEqual([a.eventId, b.eventId]);
    expect(await timed.readStream('story-unknown')).toEqual([]);
    await expect(timed.readStream(a.streamId, { asOf: 'yesterday' })).rejects.toThrow(/asOf/);
  });

  describe('one-statement path (append_events) with a stale guess of the heads', () => {
    it('two instances alternating on one stream: contiguous positions, a valid chain, no lost or doubled event', async () => {
      const other = new PgEventLog(db.pool, { schema: db.schema, clock: () => fixed });
      const evs = Array.from({ length: 6 }, (_, i) => sampleWireItemEvent('shared', `alt-${i}`));
      for (let i = 0; i < evs.length; i++) {
        const r = await (i % 2 === 0 ? log : other).append([evs[i]]);
        expect(r.events[0]).toMatchObject({ status: 'appended', streamPosition: i + 1 });
      }
      const stream = await log.readStream(evs[0].streamId);
      expect(stream.map((e) => e.streamPosition)).toEqual([1, 2, 3, 4, 5, 6]);
      expect((await log.verifyChains()).ok).toBe(true);
    });

    it('an expected version is checked against the real head, not the instance\'s stale guess', async () => {
      const other = new PgEventLog(db.pool, { schema: db.schema, clock: () => fixed });
      const a = sampleWireItemEvent('ev', 'a');
      await log.append([a]); // log now guesses position 1
      await other.append([sampleWireItemEvent('ev', 'b')]); // the stream moves to 2 behind log's back
      await expect(log.append([sampleWireItemEvent('ev', 'c')], { expectedVersions: { [a.streamId]: 1 } })).rejects.toBeInstanceOf(WrongExpectedVersionError);
      const r = await log.append([sampleWireItemEvent('ev', 'c')], { expectedVersions: { [a.streamId]: 2 } });
      expect(r.events[0]).toMatchObject({ status: 'appended', streamPosition: 3 });
      expect((await log.verifyChains()).ok).toBe(true);
    });

    it('a redelivered batch mixing logged and new events reports the logged ones duplicate and appends the rest', async () => {
      const a = sampleWireItemEvent('dup', 'a');
      const b = sampleWireItemEvent('dup', 'b');
      const first = await log.append([a]);
      const r = await log.append([a, b, b], { validated: true });
      expect(r.events.map((e) => [e.status, e.streamPosition])).toEqual([['duplicate', 1], ['appended', 2], ['duplicate', 2]]);
      expect(r.events[0].globalPosition).toBe(first.events[0].globalPosition);
      expect((await log.verifyChains()).ok).toBe(true);
    });

    it('a stale guess (another instance moved the stream) is replaced by the locked head before chaining', async () => {
      const a = sampleWireItemEvent('edit', 'a');
      await log.append([a]);
      const fresh = new PgEventLog(db.pool, { schema: db.schema, clock: () => fixed });
      await fresh.append([sampleWireItemEvent('edit', 'b')]);
      // log's guess (position 1) is stale; its next append must chain from position 2's hash
      const r = await log.append([sampleWireItemEvent('edit', 'c')]);
      expect(r.events[0].streamPosition).toBe(3);
      const stream = await log.readStream(a.streamId);
      expect(stream[2].prevHash).toBe(stream[1].hash);
    });
  });
});

