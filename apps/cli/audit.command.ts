import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { buildBundle, positionBound, readStoryFamily, ReplayBound, replaySummary, timeBound, verifyBundle } from '@timeline/audit';
import { loadConfig, requireDatabaseUrl, TimelineConfig } from '@timeline/config';
import { ReplayEvent, storyStream, upcast } from '@timeline/events';
import { ChainVerifier, createPool, PgEventLog } from '@timeline/event-log';
import { AuditQueries, RawEventRow, rebuildTimeline, TIMELINE_PROJECTION } from '@timeline/read-model';
import { openDatabase } from '@timeline/runtime';
import { formatTimeline } from './print-timeline';

/** Where the audit commands write: data to `out` (stdout), progress and messages to `err` (stderr). */
export interface AuditIo {
  out: NodeJS.WritableStream & { columns?: number };
  err: NodeJS.WritableStream & { isTTY?: boolean };
  /** Environment to read the configuration from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Show progress bars even when `err` is not a terminal. */
  forceProgress?: boolean;
}

/** Exit codes: 0 ok, 1 usage or runtime error, 2 tampering / a bundle that does not verify. */
export const EXIT_TAMPERED = 2;

function progressBar(io: AuditIo, format: string): SingleBar | null {
  if (!io.forceProgress && !io.err.isTTY) return null;
  return new SingleBar({ format, stream: io.err, etaBuffer: 50, fps: 10, noTTYOutput: !!io.forceProgress, notTTYSchedule: 1000 }, Presets.shades_classic);
}

async function withLog<T>(cfg: TimelineConfig, fn: (log: PgEventLog, q: AuditQueries) => Promise<T>): Promise<T> {
  const pool = createPool(requireDatabaseUrl(cfg), { max: 2, applicationName: 'timeline-audit' });
  try {
    return await fn(new PgEventLog(pool, { schema: cfg.databaseSchema }), new AuditQueries(pool, cfg.databaseSchema));
  } catch (err) {
    throw noLogError(err, cfg.databaseSchema);
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/**
 * A clearer error for Postgres's 42P01 (undefined table) on the log's tables:
 * the schema holds no event log. Other errors are returned as they are.
 */
function noLogError(err: unknown, schema: string): unknown {
  if ((err as { code?: string }).code !== '42P01') return err;
  return new Error(`schema "${schema}" holds no event log (${(err as Error).message}): check DATABASE_SCHEMA (and DATABASE_URL), or start the apps once to create it`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `timeline audit verify`: recompute every hash chain of the log (streamed
 * in pages, progress bar with events/s on a terminal). Prints a summary (or
 * `--json`: the VerifyReport plus durationMs and eventsPerSecond) and names
 * the first bad stream and position.
 * @returns 0 when intact, 2 when tampering was found.
 */
export async function auditVerify(opts: { json?: boolean }, io: AuditIo): Promise<number> {
  const cfg = loadConfig(io.env ?? process.env);
  return withLog(cfg, async (log, q) => {
    const total = await q.eventCount();
    const bar = progressBar(io, 'verify [{bar}] {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta_formatted}');
    const t0 = performance.now();
    bar?.start(Math.max(total, 1), 0, { speed: 0 });
    const report = await log.verifyChains({
      onProgress: (n) => bar?.update(n, { speed: Math.round((n * 1000) / Math.max(1, performance.now() - t0)) }),
    });
    bar?.stop();
    const durationMs = Math.round(performance.now() - t0);
    const eventsPerSecond = Math.round((report.eventsChecked * 1000) / Math.max(1, durationMs));
    if (opts.json) {
      io.out.write(JSON.stringify({ ...report, durationMs, eventsPerSecond }, null, 2) + '\n');
    } else {
      io.out.write(`checked ${report.eventsChecked} events in ${report.streamsChecked} streams in ${durationMs} ms (${eventsPerSecond} events/s)\n`);
      io.out.write(`heads digest ${report.headsDigest} (keep it outside the database)\n`);
      if (report.ok) io.out.write('OK: every hash chain is intact and ends at its sealed head\n');
      else {
        const p = report.firstProblem!;
        io.out.write(`TAMPERED: first bad position: stream ${p.streamId} position ${p.streamPosition} (${p.kind}): ${p.message}\n`);
        for (const x of report.problems.slice(1, 20)) io.out.write(`  also: stream ${x.streamId} position ${x.streamPosition} (${x.kind})\n`);
      }
    }
    return report.ok ? 0 : EXIT_TAMPERED;
  });
}

function boundOf(o: { asOf?: string; position?: string }): ReplayBound {
  if (o.asOf !== undefined && o.position !== undefined) throw new Error('give --as-of or --position, not both');
  if (o.asOf !== undefined) return timeBound(o.asOf, '--as-of');
  if (o.position !== undefined) return positionBound(o.position, '--position');
  return { kind: 'head' };
}

/**
 * `timeline audit export --story <id> [--as-of <ISO> | --position <n>]`:
 * write the story's audit bundle (NDJSON: manifest, raw events with their
 * chain hashes, links to the sealed heads) to stdout. The bundle holds every
 * stream of the story's merge family (the stories it absorbed, the one it
 * was merged into: readStoryFamily), so `verify-bundle` reproduces the same
 * as-of timeline as GET /stories/:id/timeline; a story never merged is one
 * stream. For a story merged into another by the bound, stderr names the
 * survivor (`note: story <id> was merged into story <survivor> ...`).
 * @returns 0; throws (exit 1) for an unknown story or an invalid bound.
 */
export async function auditExport(opts: { story: string; asOf?: string; position?: string }, io: AuditIo): Promise<number> {
  const cfg = loadConfig(io.env ?? process.env);
  if (!UUID.test(opts.story)) throw new Error(`--story must be a story id (a UUID, as GET /stories lists them), got "${opts.story}"`);
  const bound = boundOf(opts);
  return withLog(cfg, async (_log, q) => {
    const own = storyStream(opts.story);
    const ownHead = await q.streamHead(own);
    if (!ownHead || ownHead.position === 0) throw new Error(`no story ${opts.story} (stream ${own} has no events)`);
    // One read per stream: the raw rows are exported; the family walk needs only their merges, upcast as a replay read them.
    const rows = new Map<string, RawEventRow[]>();
    const family = await readStoryFamily(opts.story, async (id) => {
      const raw = await q.rawStream(storyStream(id));
      rows.set(id, raw);
      return raw.filter((e) => e.type === 'StoriesMerged').map((e) => upcast(e) as unknown as ReplayEvent);
    });
    const streams = [];
    const broken: string[] = [];
    for (const storyId of family.keys()) {
      const streamId = storyStream(storyId);
      const head = storyId === opts.story ? ownHead : await q.streamHead(streamId);
      if (!head || head.position === 0) continue; // named by a merge but never written: nothing to prove
      const events = rows.get(storyId)!.filter((e) => e.streamPosition <= head.position);
      // Check each chain before exporting it (the whole log: `timeline audit verify`).
      const chain = new ChainVerifier();
      for (const e of events) chain.push({ ...e, headPosition: head.position, headHash: head.hash });
      chain.finish();
      if (chain.problems.length) broken.push(`${streamId}: ${chain.problems[0].message}`);
      streams.push({ storyId, streamId, events, sealedHead: head });
    }
    const { lines, manifest, replay } = buildBundle({ storyId: opts.story, streams, headsDigest: await q.headsDigest(), bound, exportedAt: new Date().toISOString() });
    for (const l of lines) io.out.write(l + '\n');
    const of = streams.length === 1 ? own : `${streams.length} streams (the story's merge family)`;
    io.err.write(`exported ${manifest.events} events of ${of} (${manifest.timeline.statements} statements on the timeline as of ${manifest.lastRecordedAt ?? 'the start'})\n`);
    for (const b of broken) io.err.write(`warning: a chain does not verify (${b}); the bundle carries what is stored and will not verify either\n`);
    if (replay.survivor) {
      io.err.write(`note: story ${opts.story} was merged into story ${replay.survivor} (StoriesMerged) by this bound; its statements are on ${replay.survivor}'s timeline: export --story ${replay.survivor}\n`);
    }
    return 0;
  });
}

/**
 * `timeline audit verify-bundle <file>`: check a bundle offline (no
 * database; verifyBundle): per stream of the bundle, chain hashes from the
 * genesis hash, completeness and links to its sealed head, then replay it
 * (the merge family, as the as-of API does) and print the as-of timeline
 * (`--json`: the report with the timeline). Malformed input is reported
 * as a problem (exit 2), not thrown.
 * @returns 0 when it verifies, 2 when not.
 */
export function auditVerifyBundle(file: string, opts: { json?: boolean }, io: AuditIo): number {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new Error(`cannot read bundle ${file === '-' ? 'from standard input' : file}: ${why}`);
  }
  const r = verifyBundle(text);
  if (opts.json) {
    const { replay, ...rest } = r;
    io.out.write(JSON.stringify({ ...rest, reflects: replay?.reflects ?? null, statements: replay?.entries ?? [] }, null, 2) + '\n');
    return r.ok ? 0 : EXIT_TAMPERED;
  }
  const m = r.manifest;
  if (m) {
    const heads = m.streams.map((s) => (m.streams.length === 1 ? `position ${s.sealedHead.position}` : `${s.streamId} at ${s.sealedHead.position}`)).join(', ');
    io.out.write(`bundle of story ${m.storyId}: ${r.eventsChecked} events${m.streams.length > 1 ? ` of ${m.streams.length} streams (its merge family)` : ''}, ${r.linksChecked} links to the sealed head${m.streams.length > 1 ? 's' : ''} at ${heads}; exported ${m.exportedAt}\n`);
    if (m.timeline.survivor) io.out.write(`note: by this bound the story was merged into story ${m.timeline.survivor}; its statements are on that story's timeline\n`);
  }
  if (r.replay && r.ok) {
    const requested = m?.requested.asOf ? `as of ${m.requested.asOf}` : m?.requested.position ? `up to position ${m.requested.position}` : 'at export';
    io.out.write(`timeline ${requested} (reflects global position ${r.replay.reflects.globalPosition}, recorded ${r.replay.reflects.recordedAt ?? '-'}):\n`);
    io.out.write(formatTimeline(replaySummary(r.replay), r.replay.entries, io.out.columns || 150) + '\n');
  }
  if (r.ok) io.out.write(`OK: ${m && m.streams.length > 1 ? 'every chain' : 'chain'} intact from the genesis hash to the sealed head; timeline reproduced\n`);
  else {
    io.out.write(`NOT VERIFIED: ${file === '-' ? 'the bundle on standard input' : file} (${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}, first one first; no timeline is printed from it: --json shows what it reproduces)\n`);
    for (const p of r.problems) {
      const where = p.streamPosition !== undefined ? ` (${m && m.streams.length > 1 && p.streamId ? `${p.streamId} ` : ''}stream position ${p.streamPosition})` : '';
      io.out.write(`BAD: line ${p.line}${where}: ${p.message}\n`);
    }
  }
  return r.ok ? 0 : EXIT_TAMPERED;
}

/**
 * `timeline projections rebuild [--projection timeline]`: rebuild the read
 * model into new tables while the old ones keep serving, catch up, switch
 * atomically (rebuildTimeline). Progress bar with events/s and ETA.
 * @returns 0.
 */
export async function projectionsRebuild(opts: { projection: string; batch?: string; json?: boolean }, io: AuditIo): Promise<number> {
  const cfg = loadConfig(io.env ?? process.env);
  const batchSize = opts.batch === undefined ? undefined : Number(opts.batch);
  if (batchSize !== undefined && !(Number.isSafeInteger(batchSize) && batchSize >= 1)) throw new Error(`--batch must be a positive whole number of events, got "${opts.batch}"`);
  const db = await openDatabase({ ...cfg, pgPoolMax: Math.max(3, Math.min(cfg.pgPoolMax, 4)) }, 'timeline-rebuild');
  try {
    const bar = progressBar(io, 'rebuild {projection} g{generation} [{bar}] {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta_formatted} | {phase}');
    let started = false;
    const report = await rebuildTimeline(db.pool, db.log, {
      schema: cfg.databaseSchema,
      projection: opts.projection,
      batchSize,
      onProgress: (p) => {
        if (p.phase === 'done') return; // the summary line follows
        const payload = { projection: opts.projection, generation: p.generation, phase: p.phase, speed: Math.round((p.applied * 1000) / Math.max(1, p.elapsedMs)) };
        if (!started) {
          bar?.start(Math.max(1, p.total), p.applied, payload);
          started = true;
        } else {
          bar?.setTotal(Math.max(1, p.total));
          bar?.update(p.applied, payload);
        }
      },
    });
    bar?.stop();
    if (opts.json) io.out.write(JSON.stringify(report, null, 2) + '\n');
    else {
      io.out.write(
        `rebuilt ${report.projection}: generation ${report.generation} replaces ${report.previousGeneration}; ${report.events} events ` +
          `(${report.switchEvents} caught up during the switch, which held the projector for ${report.switchMs} ms), ${report.stories} stories, ` +
          `${report.durationMs} ms, ${report.eventsPerSecond} events/s\n`,
      );
    }
    return 0;
  } finally {
    await db.close();
  }
}

/**
 * Register `timeline audit …` (verify, export, verify-bundle) and
 * `timeline projections rebuild` on the program. Errors propagate to
 * runCli (one-line message, exit code 1); tampering sets exit code 2.
 */
export function registerAuditCommands(program: Command, io: AuditIo = { out: process.stdout, err: process.stderr }): Command {
  const audit = program.command('audit').description('Audit the log: verify hash chains, export a story with chain proofs, verify a bundle offline.');
  audit
    .command('verify')
    .description('Recompute every hash chain and compare with the sealed heads; names the first bad stream and position (exit 2 when tampered). Reads DATABASE_URL, schema DATABASE_SCHEMA.')
    .option('--json', 'print the report as JSON')
    .action(async (o) => {
      process.exitCode = await auditVerify({ json: o.json }, io);
    });
  audit
    .command('export')
    .description("Write a story's audit bundle to stdout (NDJSON: manifest, then per stream of the story and the stories merged with it, its events with chain hashes and links to its sealed head).")
    .requiredOption('--story <id>', 'story id (a UUID, as GET /stories lists them)')
    .addOption(new Option('--as-of <time>', 'ISO 8601 recorded time: export the events the log held then').conflicts('position'))
    .addOption(new Option('--position <n>', 'global position: export the events up to it').conflicts('asOf'))
    .addHelpText('after', '\nWithout --as-of or --position: every event up to the log\'s head. Reads the log at DATABASE_URL, schema DATABASE_SCHEMA.\nExample: timeline audit export --story <id> --as-of 2026-11-29T14:00:00Z > bundle.ndjson')
    .action(async (o) => {
      process.exitCode = await auditExport({ story: o.story, asOf: o.asOf, position: o.position }, io);
    });
  audit
    .command('verify-bundle')
    .argument('<file>', 'bundle written by `timeline audit export` (- for standard input)')
    .description('Check a bundle offline (no database) and print the as-of timeline it reproduces (exit 2 when it does not verify).')
    .option('--json', 'print the report and timeline as JSON')
    .action((file: string, o) => {
      process.exitCode = auditVerifyBundle(file, { json: o.json }, io);
    });
  program
    .command('projections')
    .description('Read-model projections.')
    .command('rebuild')
    .description('Rebuild a projection into new tables while the old ones serve, catch up with the log, switch atomically.')
    .option('--projection <name>', 'projection to rebuild', TIMELINE_PROJECTION)
    .option('--batch <n>', 'events per chunk of whole stories in the bulk phase, and per read in the switch (default 20000; memory holds about two chunks)')
    .addHelpText('after', '\nReads and writes the database at DATABASE_URL, schema DATABASE_SCHEMA; the API and the projector keep running meanwhile.')
    .option('--json', 'print the report as JSON')
    .action(async (o) => {
      process.exitCode = await projectionsRebuild({ projection: o.projection, batch: o.batch, json: o.json }, io);
    });
  return program;
}
