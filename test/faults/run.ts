/**
 * Fault-injection suite (issue 5 items 1 and 4): `npm run test:faults`.
 *
 * Starts a PRIVATE Postgres cluster and a PRIVATE nats-server (temp folders,
 * free ports; the machine's shared servers are never touched), then runs
 * the same generated items through the four apps, each a real process
 * (`node -r bench/swc-hook.js apps/<name>/main.ts`, isolated schema /
 * stream / subject prefix / durable per run), three times:
 *
 *   clean      1 ingest, 1 writer, 1 projector, 1 api; no faults. The reference.
 *   faults     the same, while a seeded random app is SIGKILLed at a random
 *              moment FAULTS_ROUNDS times (restarted at once each time), and
 *              nats-server (SIGKILL) and Postgres (`pg_ctl stop -m immediate`)
 *              are crash-restarted once each mid-run.
 *   scale-out  1 ingest, 2 writers (one durable consumer), 2 projectors, 1 api;
 *              one writer and one projector are SIGKILLed mid-run (the other
 *              instance must carry on alone), then restarted.
 *
 * The client POSTs the items one at a time, in a fixed order, and retries
 * on connection errors and 5xx (an item POST fails while ingest is down:
 * retrying is part of "nothing lost"). Then each run must match the clean
 * run: the same event ids (0 lost, 0 extra, 0 duplicated), every stream's
 * positions 1..n with the sealed head at n, the hash chains verify, every
 * story folded each of its events once, and the same read-model digest
 * (checks.ts). Figures go to stdout; exit code 1 when a check fails.
 *
 * Settings (environment): FAULTS_ITEMS (default 10000), FAULTS_ROUNDS (20),
 * FAULTS_ITEMS_PER_STORY (5), FAULTS_SEED (random; printed, so a failure
 * can be replayed), FAULTS_SCENARIOS (default "clean,faults,scale-out").
 */
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Pool } from 'pg';
import { jetstreamManager } from '@nats-io/jetstream';
import { createTestSchema, quoteSchema, TestSchema } from '@timeline/event-log';
import { connectNats } from '@timeline/messaging';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import { generateItems, NinjsItem, prng } from '../../bench/suite/items';
import { AppProcess, freePort, startApp, stopApp } from '../../bench/suite/procs';
import { differences, firstDifference, inspectRun, normalize, RunOutcome } from './checks';
import { PrivateNats, PrivatePostgres, waitFor } from './servers';

const ROOT = path.resolve(__dirname, '..', '..');
const DATABASE = 'timeline_faults';

function intSetting(name: string, def: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}: ${raw}`);
  return n;
}

const ITEMS = intSetting('FAULTS_ITEMS', 10_000, 1);
const ROUNDS = intSetting('FAULTS_ROUNDS', 20, 0);
const PER_STORY = intSetting('FAULTS_ITEMS_PER_STORY', 5, 1);
const SEED = intSetting('FAULTS_SEED', Math.floor(Math.random() * 1e9), 0);
const SCENARIOS = (process.env.FAULTS_SCENARIOS ?? 'clean,faults,scale-out').split(',').map((s) => s.trim());
for (const s of SCENARIOS) if (!['clean', 'faults', 'scale-out'].includes(s)) throw new Error(`FAULTS_SCENARIOS: unknown scenario ${s}`);

const t00 = Date.now();
const log = (m: string) => process.stderr.write(`[faults ${((Date.now() - t00) / 1000).toFixed(0).padStart(5)} s load ${os.loadavg()[0].toFixed(2)}] ${m}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The items of every run: the same uris and text each time. Stories in blocks of 40 (one 21-day window each). */
function buildItems(): NinjsItem[] {
  const out: NinjsItem[] = [];
  const stories = Math.ceil(ITEMS / PER_STORY);
  for (let b = 0; out.length < ITEMS; b++) {
    const block = generateItems({ runKey: `faults-b${b}`, stories: Math.min(40, stories - b * 40), itemsPerStory: PER_STORY, dayOffset: b * 40, seed: SEED + b });
    out.push(...block);
  }
  return out.slice(0, ITEMS);
}

type Fault = { at: number; kind: 'kill'; app: string } | { at: number; kind: 'nats' | 'postgres' };

/** One fault and how long the pipeline took to recover from it. */
interface FaultRecord {
  kind: string;
  app?: string;
  atItem: number;
  /** ms from the fault until the restarted server / app was up. */
  upMs: number;
  /** ms from the fault until its stage made progress again (see recovered()). */
  recoverMs: number;
}

/** A pipeline of app processes on one schema / stream. */
class Pipeline {
  apps: AppProcess[] = [];
  sent = 0;
  accepted = 0;
  retries = 0;
  /** Retries by cause: HTTP status or 'connection'. */
  retryCauses: Record<string, number> = {};
  lastAccepted = 0;
  answeredIds = new Set<string>();
  total = 0;
  /** Apps that exited without being killed by the suite (each is restarted, and fails the run). */
  unexpectedExits: string[] = [];
  private readonly killing = new Set<AppProcess>();
  env: Record<string, string> = {};

  constructor(
    readonly name: string,
    readonly db: TestSchema,
    readonly natsUrl: string,
  ) {}

  async start(counts: Record<string, number>): Promise<void> {
    const id = randomBytes(4).toString('hex');
    const [apiPort, ingestPort] = [await freePort(), await freePort()];
    this.env = {
      DATABASE_URL: this.db.url,
      DATABASE_SCHEMA: this.db.schema,
      NATS_URL: this.natsUrl,
      JS_STREAM: `FAULTS_${id}`,
      JS_SUBJECT_PREFIX: `faults${id}`,
      JS_DURABLE: `writer-${id}`,
      API_PORT: String(apiPort),
      INGEST_PORT: String(ingestPort),
      HOST: '127.0.0.1',
      PG_POOL_MAX: '4',
    };
    for (const name of ['ingest', 'event-log-writer', 'projector', 'api']) {
      for (let i = 0; i < (counts[name] ?? 1); i++) await this.restart(name);
    }
  }

  /** Start one instance; an exit the suite did not cause is recorded and the app restarted. */
  async restart(name: string): Promise<AppProcess> {
    const a = await startApp(ROOT, name, this.env, 120_000);
    this.apps.push(a);
    a.child.once('exit', (code, signal) => {
      if (this.killing.has(a) || this.stopping) return;
      this.unexpectedExits.push(`${name} (${signal ?? code})`);
      log(`${this.name}: ${name} EXITED on its own (${signal ?? code}): ${a.tail().slice(-600)}`);
      this.apps = this.apps.filter((x) => x !== a);
      void this.restart(name).catch((err) => log(`${this.name}: restarting ${name} failed: ${(err as Error).message}`));
    });
    return a;
  }

  get ingestUrl(): string {
    return `http://127.0.0.1:${this.env.INGEST_PORT}/items`;
  }

  instances(name: string): AppProcess[] {
    return this.apps.filter((a) => a.name === name);
  }

  /** SIGKILL one instance; wait until the OS reaped it. */
  async kill(a: AppProcess): Promise<void> {
    this.killing.add(a);
    if (a.child.exitCode === null && a.child.signalCode === null) {
      await new Promise<void>((resolve) => {
        a.child.once('exit', () => resolve());
        a.child.kill('SIGKILL');
      });
    }
    this.apps = this.apps.filter((x) => x !== a);
  }

  /** POST the items one at a time, in order; retry connection errors and 5xx. `gate(i)` may hold item i back. */
  async ingest(items: NinjsItem[], gate: (i: number) => Promise<void>): Promise<void> {
    this.total = items.length;
    for (let i = 0; i < items.length; i++) {
      await gate(i);
      const body = JSON.stringify(items[i]);
      for (let attempt = 0; ; attempt++) {
        let status = 0;
        let text = '';
        try {
          const res = await fetch(this.ingestUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(60_000) });
          status = res.status;
          text = await res.text();
        } catch (err) {
          text = (err as Error).message;
        }
        if (status === 202 || status === 200) {
          for (const e of (JSON.parse(text) as { eventIds: string[] }).eventIds) this.answeredIds.add(e);
          this.accepted += 1;
          this.lastAccepted = Date.now();
          break;
        }
        if (status !== 0 && status < 500 && status !== 429) throw new Error(`${this.name}: POST ${items[i].uri} answered ${status}: ${text.slice(0, 300)}`);
        this.retries += 1;
        const cause = status ? String(status) : 'connection';
        this.retryCauses[cause] = (this.retryCauses[cause] ?? 0) + 1;
        await sleep(Math.min(1000, 50 * 2 ** Math.min(attempt, 5)));
      }
      this.sent = i + 1;
    }
  }

  async headPosition(): Promise<string> {
    const r = await this.db.pool.query<{ p: string }>(`SELECT coalesce(max(global_position), 0)::text AS p FROM ${quoteSchema(this.db.schema)}.events`);
    return r.rows[0].p;
  }

  async checkpoint(): Promise<string> {
    const r = await this.db.pool.query<{ c: string }>(`SELECT transaction_id::text || ':' || global_position::text AS c FROM ${quoteSchema(this.db.schema)}.checkpoints WHERE name = 'timeline'`);
    return r.rows[0]?.c ?? '0:0';
  }

  /** The writers' durable consumer has nothing pending or unacknowledged. */
  async writerIdle(): Promise<boolean> {
    const nc = await connectNats({ servers: [this.natsUrl], name: 'faults-probe', maxReconnectAttempts: 0 });
    try {
      const ci = await (await jetstreamManager(nc)).consumers.info(this.env.JS_STREAM, this.env.JS_DURABLE);
      return ci.num_pending === 0 && ci.num_ack_pending === 0;
    } finally {
      await nc.close().catch(() => undefined);
    }
  }

  /** No committed event lies beyond the projector's checkpoint. */
  async projectorIdle(): Promise<boolean> {
    const s = quoteSchema(this.db.schema);
    const r = await this.db.pool.query<{ behind: number }>(
      `SELECT count(*)::int AS behind FROM ${s}.events e WHERE (e.transaction_id, e.global_position) >
         coalesce((SELECT (c.transaction_id, c.global_position) FROM ${s}.checkpoints c WHERE c.name = 'timeline'), ('0'::xid8, 0::bigint))`,
    );
    return r.rows[0].behind === 0;
  }

  /**
   * Resolve when the app's stage works again after a fault at `since`: ingest
   * answered a 202 (or every item is in); the log grew (or the writers'
   * consumer has nothing pending); the checkpoint moved (or nothing is left
   * to apply); api: GET /health answered.
   */
  async recovered(name: string, since: number, before: { head: string; cp: string }, timeoutMs = 300_000): Promise<void> {
    const probes: Record<string, () => Promise<boolean>> = {
      ingest: async () => this.lastAccepted > since || this.sent >= this.total,
      'event-log-writer': async () => BigInt(await this.headPosition()) > BigInt(before.head) || (await this.writerIdle()),
      projector: async () => (await this.checkpoint()) !== before.cp || (await this.projectorIdle()),
      api: async () => (await fetch(`http://127.0.0.1:${this.env.API_PORT}/health`, { signal: AbortSignal.timeout(5000) })).status < 500,
    };
    await waitFor(`${this.name}: ${name} progress`, probes[name], timeoutMs);
  }

  /** Wait until every answered event is in the log, the writers' consumer has nothing pending and the projector has applied everything. */
  async settle(timeoutMs = 900_000): Promise<void> {
    const nc = await connectNats({ servers: [this.natsUrl], name: 'faults-settle' });
    try {
      const jsm = await jetstreamManager(nc);
      const s = quoteSchema(this.db.schema);
      await waitFor(
        `${this.name}: settled`,
        async () => {
          const ci = await jsm.consumers.info(this.env.JS_STREAM, this.env.JS_DURABLE);
          if (ci.num_pending > 0 || ci.num_ack_pending > 0) return false;
          const r = await this.db.pool.query<{ missing: number; behind: number }>(
            `SELECT (SELECT count(*)::int FROM unnest($1::uuid[]) AS x(id) WHERE NOT EXISTS (SELECT 1 FROM ${s}.events e WHERE e.event_id = x.id)) AS missing,
                    (SELECT count(*)::int FROM ${s}.events e WHERE (e.transaction_id, e.global_position) >
                       coalesce((SELECT (c.transaction_id, c.global_position) FROM ${s}.checkpoints c WHERE c.name = 'timeline'), ('0'::xid8, 0::bigint))) AS behind`,
            [[...this.answeredIds]],
          );
          return r.rows[0].missing === 0 && r.rows[0].behind === 0;
        },
        timeoutMs,
      );
    } finally {
      await nc.close().catch(() => undefined);
    }
  }

  private stopping = false;

  async stop(): Promise<void> {
    this.stopping = true;
    for (const a of [...this.apps].reverse()) await stopApp(a).catch(() => undefined);
    this.apps = [];
    const nc = await connectNats({ servers: [this.natsUrl], name: 'faults-cleanup' }).catch(() => null);
    if (nc) {
      const jsm = await jetstreamManager(nc).catch(() => null);
      await jsm?.streams.delete(this.env.JS_STREAM).catch(() => undefined);
      await jsm?.streams.delete(`${this.env.JS_STREAM}_DLQ`).catch(() => undefined);
      await nc.close().catch(() => undefined);
    }
  }
}

/** The fault schedule of the faults run: kills spread over the item range, the two server restarts at about 35 % and 70 %. */
function schedule(rnd: () => number): Fault[] {
  const apps = ['ingest', 'event-log-writer', 'projector', 'api'];
  const faults: Fault[] = [];
  const slots = ROUNDS + 2;
  for (let k = 0; k < ROUNDS; k++) faults.push({ kind: 'kill', app: apps[Math.floor(rnd() * apps.length)], at: Math.floor((ITEMS * (k + 0.5 + rnd() * 0.5)) / (slots + 1)) });
  faults.push({ kind: 'nats', at: Math.floor(ITEMS * 0.35) });
  faults.push({ kind: 'postgres', at: Math.floor(ITEMS * 0.7) });
  return faults.sort((a, b) => a.at - b.at);
}

interface RunReport {
  name: string;
  seconds: number;
  outcome: RunOutcome;
  faults: FaultRecord[];
  retries: number;
  retryCauses: Record<string, number>;
  unexpectedExits: string[];
}

async function runScenario(name: string, pg: PrivatePostgres, nats: PrivateNats, items: NinjsItem[], rnd: () => number): Promise<{ report: RunReport; db: TestSchema }> {
  const db = await createTestSchema({ url: `${pg.serverUrl}/${DATABASE}`, migrations: ALL_MIGRATIONS, poolMax: 3 });
  const p = new Pipeline(name, db, nats.url);
  const faults: FaultRecord[] = [];
  const t0 = Date.now();
  try {
    const counts: Record<string, number> = name === 'scale-out' ? { 'event-log-writer': 2, projector: 2 } : {};
    await p.start(counts);
    log(`${name}: apps up (${p.apps.map((a) => a.name).join(', ')}), schema ${db.schema}`);

    let plan: Fault[] = [];
    if (name === 'faults') plan = schedule(rnd);
    if (name === 'scale-out') {
      plan = [
        { kind: 'kill', app: 'event-log-writer', at: Math.floor(ITEMS * 0.3) },
        { kind: 'kill', app: 'projector', at: Math.floor(ITEMS * 0.6) },
      ];
    }
    let done = 0;
    let started = 0;
    // The client holds item i back while a fault scheduled well before i has not been injected yet, so every fault happens under load.
    const gate = async (i: number) => {
      while (started < plan.length && plan[started].at < i - Math.max(1, Math.floor(ITEMS / (plan.length + 2)))) await sleep(50);
    };
    const injector = (async () => {
      for (const f of plan) {
        while (p.sent < f.at) await sleep(20);
        await sleep(Math.floor(rnd() * 1500)); // a random moment within the load
        const before = { head: await p.headPosition().catch(() => '0'), cp: await p.checkpoint().catch(() => '0:0') };
        const at = Date.now();
        started++;
        let upMs = 0;
        if (f.kind === 'kill') {
          const victims = p.instances(f.app);
          const victim = victims[Math.floor(rnd() * victims.length)];
          await p.kill(victim);
          if (name === 'scale-out') {
            // The surviving instance must carry on alone: progress with one instance down.
            await p.recovered(f.app, at, before);
            const alone = Date.now() - at;
            await p.restart(f.app);
            faults.push({ kind: 'kill (no restart until the other instance progressed)', app: f.app, atItem: p.sent, upMs: 0, recoverMs: alone });
            log(`${name}: killed one ${f.app} at item ${p.sent}; the other instance progressed after ${alone} ms; restarted`);
            done++;
            continue;
          }
          await p.restart(f.app);
          upMs = Date.now() - at;
          await p.recovered(f.app, at, before);
        } else {
          upMs = f.kind === 'nats' ? await nats.crashRestart() : await pg.crashRestart();
          // Every stage must make progress again after a server restart.
          await p.recovered('ingest', at, before);
          await p.recovered('event-log-writer', at, before);
          await p.recovered('projector', at, before);
        }
        const rec: FaultRecord = { kind: f.kind, app: f.kind === 'kill' ? f.app : undefined, atItem: p.sent, upMs, recoverMs: Date.now() - at };
        faults.push(rec);
        log(`${name}: ${f.kind}${rec.app ? ' ' + rec.app : ''} at item ${rec.atItem}: up after ${upMs} ms, progressing after ${rec.recoverMs} ms`);
        done++;
      }
    })();
    let progress = 0;
    const ticker = setInterval(() => {
      if (p.sent - progress >= ITEMS / 10) {
        progress = p.sent;
        log(`${name}: ${p.sent}/${ITEMS} items accepted (${p.retries} retries)`);
      }
    }, 1000);
    try {
      await Promise.all([p.ingest(items, gate), injector]);
    } finally {
      clearInterval(ticker);
    }
    log(`${name}: all ${ITEMS} items accepted after ${((Date.now() - t0) / 1000).toFixed(0)} s; settling`);
    await p.settle();
    const seconds = (Date.now() - t0) / 1000;
    await p.stop();
    const outcome = await inspectRun(db.pool, db.schema);
    const missingAnswered = [...p.answeredIds].filter((id) => !outcome.eventIds.has(id)).length;
    if (missingAnswered) throw new Error(`${name}: ${missingAnswered} event ids answered in 202s are not in the log`);
    return { report: { name, seconds, outcome, faults, retries: p.retries, retryCauses: p.retryCauses, unexpectedExits: p.unexpectedExits }, db };
  } catch (err) {
    for (const a of p.apps) log(`${name}: ${a.name} tail: ${a.tail().slice(-400)}`);
    await p.stop().catch(() => undefined);
    await db.drop().catch(() => undefined);
    throw err;
  }
}

async function rowOf(pool: Pool, schema: string, key: string): Promise<unknown> {
  const [table, k] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  const col = { rm_stories: 'story_id', rm_story_states: 'story_id', rm_items: 'uri', rm_item_versions: "uri || ':' || version", rm_statements: 'statement_id' }[table];
  const r = await pool.query(`SELECT to_jsonb(t) AS row FROM ${quoteSchema(schema)}.${table} t WHERE (${col})::text = $1`, [k]);
  return r.rows[0]?.row ?? null;
}

/** The first JSON path where two values differ, with both values (shortened). */
function firstPathDiff(a: unknown, b: unknown, at = '$'): string | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const k of keys) {
      const d = firstPathDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
  }
  return `${at}\n    clean: ${JSON.stringify(a)?.slice(0, 400)}\n    this:  ${JSON.stringify(b)?.slice(0, 400)}`;
}

async function main(): Promise<void> {
  log(`items ${ITEMS} (${PER_STORY} per story), rounds ${ROUNDS}, seed ${SEED}, scenarios ${SCENARIOS.join(', ')}, ${os.cpus().length} cores`);
  const pg = await PrivatePostgres.start(DATABASE);
  const nats = await PrivateNats.start();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping the private servers`);
      void Promise.allSettled([nats.destroy(), pg.destroy()]).then(() => process.exit(130));
    });
  }
  log(`private postgres ${pg.serverUrl} (${pg.dir}), private nats ${nats.url}`);
  const items = buildItems();
  const rnd = prng(SEED);
  const reports: RunReport[] = [];
  const dbs: TestSchema[] = [];
  let failed = false;
  try {
    for (const s of SCENARIOS) {
      const { report, db } = await runScenario(s, pg, nats, items, rnd);
      reports.push(report);
      dbs.push(db);
      log(`${s}: ${report.outcome.eventIds.size} events, ${report.outcome.streams} streams, digest ${report.outcome.readModelDigest.slice(0, 16)}, ${report.seconds.toFixed(0)} s`);
    }
    const clean = reports.find((r) => r.name === 'clean') ?? reports[0];
    const lines: string[] = [];
    for (const r of reports) {
      const o = r.outcome;
      const missing = [...clean.outcome.eventIds].filter((id) => !o.eventIds.has(id)).length;
      const extra = [...o.eventIds].filter((id) => !clean.outcome.eventIds.has(id)).length;
      const sameDigest = o.readModelDigest === clean.outcome.readModelDigest;
      const kills = r.faults.filter((f) => f.kind.startsWith('kill'));
      const ok = r.unexpectedExits.length === 0 && missing === 0 && extra === 0 && o.duplicatedIds === 0 && o.duplicatedItemVersions === 0 && o.brokenStreams.length === 0 && o.chainOk && o.miscountedStories === 0 && sameDigest;
      if (!ok) failed = true;
      lines.push(
        `${r.name}: ${ok ? 'OK' : 'FAILED'} — events expected ${clean.outcome.eventIds.size} / found ${o.eventIds.size} / missing ${missing} / extra ${extra} / duplicated ${o.duplicatedIds + o.duplicatedItemVersions}; ` +
          `streams ${o.streams} (non-contiguous ${o.brokenStreams.length}); hash chain ${o.chainOk ? 'verifies' : 'BROKEN ' + o.chainProblem}; ` +
          `stories miscounted ${o.miscountedStories}; read model ${sameDigest ? 'identical to clean' : 'DIFFERS'} (${Object.entries(o.readModelRows).map(([t, n]) => `${t} ${n}`).join(', ')}); ` +
          `apps exited on their own: ${r.unexpectedExits.length ? r.unexpectedExits.join(', ') : 'none'}; ` +
          `${r.seconds.toFixed(0)} s, ${r.retries} client retries ${JSON.stringify(r.retryCauses)}` +
          (r.faults.length
            ? `; ${kills.length} kills (${['ingest', 'event-log-writer', 'projector', 'api'].map((a) => `${a} ${kills.filter((f) => f.app === a).length}`).join(', ')}), ` +
              `restarts: ${r.faults.filter((f) => !f.kind.startsWith('kill')).map((f) => `${f.kind} up ${f.upMs} ms / progressing ${f.recoverMs} ms`).join(', ') || 'none'}`
            : ''),
      );
      if (r.faults.length) {
        const rec = kills.map((f) => f.recoverMs).sort((a, b) => a - b);
        lines.push(`  recovery after each kill (ms, kill → stage progressing again): ${kills.map((f) => `${f.app}@${f.atItem}: ${f.recoverMs}`).join(', ')}`);
        if (rec.length) lines.push(`  recovery median ${rec[Math.floor(rec.length / 2)]} ms, max ${rec[rec.length - 1]} ms`);
      }
      if (!sameDigest && r !== clean) {
        const di = reports.indexOf(r);
        for (const [table, d] of Object.entries(differences(clean.outcome, o))) {
          lines.push(`  ${table}: ${d.rows} rows differ; first ${d.first} at ${firstPathDiff(normalize(await rowOf(dbs[0].pool, dbs[0].schema, d.first)), normalize(await rowOf(dbs[di].pool, dbs[di].schema, d.first)))}`);
        }
        const diff = firstDifference(clean.outcome, o);
        if (diff && process.env.FAULTS_VERBOSE) {
          lines.push(`  first differing row ${diff} at ${firstPathDiff(await rowOf(dbs[0].pool, dbs[0].schema, diff), await rowOf(dbs[di].pool, dbs[di].schema, diff))}`);
        }
      }
    }
    process.stdout.write(`\nfault suite: ${ITEMS} items, seed ${SEED}, total ${((Date.now() - t00) / 1000).toFixed(0)} s\n${lines.join('\n')}\n`);
    process.stdout.write(`${JSON.stringify({ items: ITEMS, rounds: ROUNDS, seed: SEED, runs: reports.map((r) => ({ name: r.name, seconds: Math.round(r.seconds), events: r.outcome.eventIds.size, digest: r.outcome.readModelDigest, faults: r.faults })) })}\n`);
  } finally {
    for (const db of dbs) await db.drop().catch(() => undefined);
    await nats.destroy().catch(() => undefined);
    await pg.destroy().catch(() => undefined);
  }
  if (failed) {
    process.stderr.write('fault suite FAILED\n');
    process.exit(1);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`fault suite: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
