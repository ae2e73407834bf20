import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '@timeline/config';
import { createPool, PgEventLog, quoteSchema, startEmbeddedPostgres, EMBEDDED_POOL_MAX } from '@timeline/event-log';
import { TIMELINE_PROJECTION, StorySummary, TimelineLine } from '@timeline/read-model';
import { appMain, corpusDir, projectRoot } from './paths';
import { readInputs } from './items-files';
import { postItems } from './ingest.command';
import { formatTimeline } from './print-timeline';
import { AppProcess, ensureNats, freePort, spawnApp, stopChild, waitFor } from './services';

export interface DemoOptions {
  corpus?: string;
  /** Keep the apps running after printing (until Ctrl-C). */
  keep?: boolean;
}

/**
 * `timeline demo`: the whole pipeline on the sample feed.
 * NATS at NATS_URL, or a nats-server started here; Postgres at DATABASE_URL,
 * or an embedded PGlite database in .timeline-data/pglite (kept between
 * runs, so a second run shows 0 new events). Starts the four apps as
 * processes (logs in .timeline-data/logs) on a JetStream stream named after
 * the database (unless JS_STREAM / JS_SUBJECT_PREFIX / JS_DURABLE are set),
 * so concurrent demos on one NATS server stay apart; ingests the corpus articles in
 * firstcreated order, waits until the log holds every event and the
 * projector has caught up, prints each story's timeline, stops everything.
 * @returns the exit code.
 */
export async function demoCommand(opts: DemoOptions): Promise<number> {
  const cfg = loadConfig();
  const root = projectRoot();
  const dataDir = path.join(root, '.timeline-data');
  const articles = path.join(opts.corpus ?? corpusDir(), 'articles');
  const cleanups: Array<() => Promise<void>> = [];
  const apps: AppProcess[] = [];
  const cleanup = async () => {
    for (const a of apps.reverse()) await stopChild(a.child, 10_000);
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  const t0 = Date.now();
  try {
    const nats = await ensureNats(cfg.natsUrl);
    cleanups.push(nats.stop);
    console.log(`NATS: ${nats.url}${nats.started ? ' (started for this demo)' : ''}`);

    let databaseUrl = cfg.databaseUrl;
    let poolMax = cfg.pgPoolMax;
    if (!databaseUrl) {
      console.log(`Postgres: DATABASE_URL is unset, starting embedded PGlite in ${path.relative(process.cwd(), path.join(dataDir, 'pglite')) || '.'} (first start takes a few seconds)`);
      mkdirSync(dataDir, { recursive: true });
      const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pglite') });
      cleanups.push(pg.stop);
      databaseUrl = pg.url;
      poolMax = EMBEDDED_POOL_MAX;
    } else {
      console.log(`Postgres: ${databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')}`);
    }

    const [apiPort, ingestPort] = [await freePort(), await freePort()];
    // A JetStream stream, subject prefix and durable of its own per database,
    // so two demos on one NATS server do not take each other's messages.
    const tag = createHash('sha256').update(`${databaseUrl}|${cfg.databaseSchema}`).digest('hex').slice(0, 10);
    const env: NodeJS.ProcessEnv = {
      JS_STREAM: `TIMELINE_DEMO_${tag}`,
      JS_SUBJECT_PREFIX: `timeline.demo.${tag}`,
      JS_DURABLE: `event-log-writer-demo-${tag}`,
      ...process.env,
      DATABASE_URL: databaseUrl,
      NATS_URL: nats.url,
      API_PORT: String(apiPort),
      INGEST_PORT: String(ingestPort),
      PG_POOL_MAX: String(poolMax),
      HOST: '127.0.0.1',
    };
    // Start the writer first so migrations are applied once, then the rest.
    const logDir = path.join(dataDir, 'logs');
    const died = () => {
      const dead = apps.find((a) => a.child.exitCode !== null);
      return dead ? `${dead.name} exited with code ${dead.child.exitCode}; last log lines (${dead.logFile}):\n${dead.tail()}` : null;
    };
    const pool = createPool(databaseUrl!, { max: 1, applicationName: 'timeline-demo' });
    cleanups.push(() => pool.end());
    for (const name of ['event-log-writer', 'projector', 'ingest', 'api']) {
      apps.push(spawnApp(name, appMain(name), env, logDir));
      if (name === 'event-log-writer') {
        await waitFor('the event log tables', async () => (await pool.query(`SELECT to_regclass('${cfg.databaseSchema}.rm_stories') IS NOT NULL AS ok`)).rows[0].ok, { timeoutMs: 60_000, everyMs: 200, failFast: died });
      }
    }
    const ingestUrl = `http://127.0.0.1:${ingestPort}`;
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitFor('the ingest app', async () => (await fetch(`${ingestUrl}/health`)).ok, { timeoutMs: 60_000, failFast: died });
    await waitFor('the api app', async () => (await fetch(`${apiUrl}/stories`)).ok, { timeoutMs: 60_000, failFast: died });
    console.log(`apps: api ${apiUrl} (OpenAPI ${apiUrl}/docs), ingest ${ingestUrl}; logs in ${path.relative(process.cwd(), logDir)}`);

    const s = quoteSchema(cfg.databaseSchema);
    const countEvents = async () => Number((await pool.query(`SELECT count(*)::int AS n FROM ${s}.events`)).rows[0].n);
    const before = await countEvents();

    const files = readInputs([articles]);
    if (files.length === 0) throw new Error(`no *.json items in ${articles}`);
    const outcomes = await postItems(files, ingestUrl, { progress: true });
    const rejected = outcomes.filter((o) => !o.ok);
    for (const r of rejected) console.error(`rejected ${r.file}: ${r.message}`);
    const ids = outcomes.flatMap((o) => o.eventIds);
    console.log(`ingested ${outcomes.length - rejected.length} of ${outcomes.length} items (${ids.length} events published)`);

    await waitFor('the writer to append every event', async () => {
      const r = await pool.query(`SELECT count(*)::int AS n FROM ${s}.events WHERE event_id = ANY($1::uuid[])`, [ids]);
      return Number(r.rows[0].n) === ids.length;
    }, { timeoutMs: 120_000, everyMs: 100, failFast: died });
    const log = new PgEventLog(pool, { schema: cfg.databaseSchema });
    await waitFor('the projector to catch up', async () => (await log.stats(TIMELINE_PROJECTION)).eventsBehind === 0, { timeoutMs: 120_000, everyMs: 100, failFast: died });
    const after = await countEvents();

    const { stories } = (await (await fetch(`${apiUrl}/stories?limit=1000`)).json()) as { stories: StorySummary[] };
    stories.sort((a, b) => (a.firstSaid ?? '').localeCompare(b.firstSaid ?? '') || a.title.localeCompare(b.title));
    for (const story of stories) {
      const t = (await (await fetch(`${apiUrl}/stories/${story.storyId}/timeline?limit=1000`)).json()) as { statements: TimelineLine[] };
      console.log(formatTimeline(story, t.statements, process.stdout.columns || 150));
    }
    console.log(`\n${stories.length} stories; ${after - before} new events in the log (${after} in all); ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    if (opts.keep) {
      console.log(`apps keep running (api ${apiUrl}); Ctrl-C to stop`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
    await cleanup();
    return rejected.length ? 1 : 0;
  } catch (err) {
    console.error(`demo failed: ${(err as Error).message}`);
    await cleanup();
    return 1;
  }
}
