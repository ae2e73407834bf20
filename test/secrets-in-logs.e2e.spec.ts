import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { createTestSchema, TestSchema } from '@timeline/event-log';
import { connectNats } from '@timeline/messaging';
import { hashApiKey } from '@timeline/runtime';
import { freePort } from '../apps/cli/services';
import { AppProc, spawnApp } from './support/processes';

/**
 * No secret in any log line (issue 5, item 6): the four apps run as
 * processes at LOG_LEVEL=verbose with a password in DATABASE_URL (the test
 * server trusts local connections, so any password works), a NATS user and
 * password, and API keys; requests use good, wrong and unknown keys and bad
 * input; apps that fail at start (Postgres or NATS unreachable, credentials
 * in the URLs) print their error. Every line of output is scanned for the
 * secrets. Each app must also stop on SIGTERM with exit code 0.
 */
describe('secrets never reach the logs', () => {
  const PG_PASSWORD = `pgpw${randomBytes(6).toString('hex')}`;
  const NATS_PASSWORD = `natspw${randomBytes(6).toString('hex')}`;
  const NATS_TOKEN = `natstok${randomBytes(6).toString('hex')}`;
  const KEY = `apikey${randomBytes(9).toString('hex')}`;
  const READ_KEY = `readkey${randomBytes(9).toString('hex')}`;
  const SECRETS = [PG_PASSWORD, NATS_PASSWORD, NATS_TOKEN, KEY, READ_KEY];
  let db: TestSchema;
  const id = randomBytes(4).toString('hex');
  const apps: AppProc[] = [];

  beforeAll(async () => {
    db = await createTestSchema({ migrations: [] });
  });
  afterAll(async () => {
    for (const a of apps) await a.stop('SIGKILL');
    const nc = await connectNats();
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(`TIMELINE_SEC_${id}`).catch(() => undefined);
    await jsm.streams.delete(`TIMELINE_SEC_${id}_DLQ`).catch(() => undefined);
    await nc.close();
    await db.drop();
  });

  it('prints none of the database password, NATS password or token, or API keys, and stops on SIGTERM with exit 0', async () => {
    const url = new URL(db.url);
    url.username = url.username || 'root';
    url.password = PG_PASSWORD;
    const [apiPort, ingestPort] = [await freePort(), await freePort()];
    const env = {
      DATABASE_URL: url.toString(),
      DATABASE_SCHEMA: db.schema,
      NATS_USER: 'timeline',
      NATS_PASSWORD,
      JS_STREAM: `TIMELINE_SEC_${id}`,
      JS_SUBJECT_PREFIX: `sec${id}`,
      JS_DURABLE: `writer-${id}`,
      API_PORT: String(apiPort),
      INGEST_PORT: String(ingestPort),
      API_KEYS: `feeder:ingest:${hashApiKey(KEY)},reader:read:${hashApiKey(READ_KEY)}`,
      LOG_LEVEL: 'verbose',
      PG_POOL_MAX: '3',
    };
    for (const name of ['event-log-writer', 'projector', 'ingest', 'api']) apps.push(await spawnApp(name, env));

    const ingest = `http://127.0.0.1:${ingestPort}`;
    const api = `http://127.0.0.1:${apiPort}`;
    const item = { uri: `urn:test:secret-${id}`, version: '1', versioncreated: '2024-06-01T09:00:00Z', headline: 'Port reopens', body_text: '"It is open," the harbour master said on Saturday.' };
    const post = (key: string | undefined, body: unknown) =>
      fetch(`${ingest}/items`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) }, body: JSON.stringify(body) });
    expect((await post(KEY, item)).status).toBe(202);
    expect((await post(READ_KEY, item)).status).toBe(403);
    expect((await post(`${KEY}x`, item)).status).toBe(401);
    expect((await post(KEY, { uri: 'x' })).status).toBe(400);
    expect((await fetch(`${api}/dead-letters`, { headers: { 'x-api-key': READ_KEY } })).status).toBe(403);
    expect((await fetch(`${api}/stories`, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(403);
    // An invalid message straight to the broker: the writer logs and dead-letters it.
    const nc = await connectNats();
    await nc.publish(`sec${id}.items`, '{"events":[{"type":"Nope"}]}');
    await nc.flush();
    await nc.close();
    const deadline = Date.now() + 20_000;
    while (!/dead-lettered/.test(apps[0].output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(apps[0].output()).toMatch(/dead-lettered/);

    const stops = await Promise.all(apps.map((a) => a.stop('SIGTERM')));
    expect(stops.map((s) => s.code)).toEqual([0, 0, 0, 0]);

    // Apps that cannot start: the error names the server, not the secret.
    const pgDown = await spawnApp('projector', { ...env, DATABASE_URL: `postgres://root:${PG_PASSWORD}@127.0.0.1:1/test?password=${PG_PASSWORD}` }, { ready: false });
    const natsDown = await spawnApp('projector', { ...env, NATS_URL: `nats://timeline:${NATS_PASSWORD}@127.0.0.1:1,nats://${NATS_TOKEN}@127.0.0.1:2` }, { ready: false });
    const badKeys = await spawnApp('api', { ...env, API_KEYS: `leaky:admin:${KEY}` }, { ready: false });
    for (const a of [pgDown, natsDown, badKeys]) {
      apps.push(a);
      expect((await a.exited()).code).toBe(1);
    }
    expect(natsDown.output()).toMatch(/no NATS server at nats:\/\/timeline:\*\*\*@127\.0\.0\.1:1/);
    expect(badKeys.output()).toMatch(/the key must be given as its SHA-256/);

    const leaks: string[] = [];
    for (const a of apps) {
      for (const line of a.output().split('\n')) if (SECRETS.some((s) => line.includes(s))) leaks.push(`${a.name}: ${line.slice(0, 300)}`);
    }
    expect(leaks).toEqual([]);
    // The scan had real output to read: every app logged its start-up, the writer the dead letter, ingest the refused requests.
    expect(apps.slice(0, 4).every((a) => a.output().length > 100)).toBe(true);
  }, 240_000);
});
