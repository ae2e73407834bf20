import { chainHash } from '@timeline/events';
import { loadConfig } from '@timeline/config';
import { createTestSchema, PgEventLog, sampleWireItemEvent, TestSchema } from '@timeline/event-log';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import { startApi } from '../apps/api/main';
import { runCommand } from './support/run-command';

/**
 * Tamper evidence through the command and the endpoint (the log-level cases
 * are in libs/event-log/src/verify.int.spec.ts): each test tampers with raw
 * SQL, then `timeline audit verify` (exit 2) and GET /audit/verify (ok false)
 * both name the first bad stream and position.
 */
describe('tamper evidence: `timeline audit verify` and GET /audit/verify', () => {
  let db: TestSchema;
  let api: { url: string; close(): Promise<void> };
  let env: Record<string, string | undefined>;
  let stream: string;

  beforeEach(async () => {
    db = await createTestSchema({ migrations: ALL_MIGRATIONS });
    const log = new PgEventLog(db.pool, { schema: db.schema });
    const events = [1, 2, 3, 4, 5].map((i) => sampleWireItemEvent('victim', `e${i}`));
    stream = events[0].streamId;
    await log.append(events.slice(0, 3));
    await log.append(events.slice(3));
    await log.append([sampleWireItemEvent('bystander', 'x')]);
    env = { ...process.env, DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, LOG_LEVEL: 'warn', PG_POOL_MAX: '2' };
    api = await startApi(loadConfig(env), 0);
  }, 30_000);
  afterEach(async () => {
    await api?.close();
    await db?.drop();
  });

  const sql = (text: string, params: unknown[] = []) => db.pool.query(text.replace(/\bT\./g, `"${db.schema}".`), params);

  async function expectDetected(streamPosition: number, kind: string) {
    const res = await fetch(`${api.url}/audit/verify`);
    expect(res.status).toBe(200);
    const body: any = await res.json();
    expect(body.ok).toBe(false);
    expect(body.firstProblem).toMatchObject({ streamId: stream, streamPosition, kind });
    const cli = await runCommand(env, 'audit', 'verify');
    expect(cli.code).toBe(2);
    expect(cli.out).toContain(`TAMPERED: first bad position: stream ${stream} position ${streamPosition} (${kind})`);
    const json = await runCommand(env, 'audit', 'verify', '--json');
    expect(JSON.parse(json.out).firstProblem).toMatchObject({ streamId: stream, streamPosition, kind });
  }

  it('an intact log: exit 0 and ok', async () => {
    expect(((await (await fetch(`${api.url}/audit/verify`)).json()) as any).ok).toBe(true);
    expect((await runCommand(env, 'audit', 'verify')).code).toBe(0);
  });

  it('detects an edited row', async () => {
    await sql(`UPDATE T.events SET data = jsonb_set(data, '{item,headline}', '"Forged"') WHERE stream_id = $1 AND stream_position = 3`, [stream]);
    await expectDetected(3, 'hash_mismatch');
  });

  it('detects a deleted middle row', async () => {
    await sql(`DELETE FROM T.events WHERE stream_id = $1 AND stream_position = 2`, [stream]);
    await expectDetected(2, 'position_gap');
  });

  it('detects deleted newest rows (sealed head)', async () => {
    await sql(`DELETE FROM T.events WHERE stream_id = $1 AND stream_position >= 4`, [stream]);
    await expectDetected(4, 'head_mismatch');
  });

  it('detects a forged inserted row, even with a correctly chained hash', async () => {
    const last = (await sql(`SELECT hash, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at FROM T.events WHERE stream_id = $1 AND stream_position = 5`, [stream])).rows[0];
    const forged = { ...sampleWireItemEvent('victim', 'forged'), streamPosition: 6, recordedAt: last.at };
    await sql(
      `INSERT INTO T.events (event_id, stream_id, stream_position, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
       VALUES ($1, $2, 6, $3, 1, $4, $5, $6, $7, $8)`,
      [forged.eventId, stream, forged.type, JSON.stringify(forged.data), JSON.stringify(forged.metadata), forged.recordedAt, last.hash, chainHash(last.hash, forged)],
    );
    await expectDetected(6, 'head_mismatch');
  });
});
