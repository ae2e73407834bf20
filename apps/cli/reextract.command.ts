import { Command } from 'commander';
import { loadConfig, requireDatabaseUrl } from '@timeline/config';
import { NewEvent, StoredEvent, storyStream, TimelineEvent, WireItem } from '@timeline/events';
import { createPool, PgEventLog, quoteSchema, WrongExpectedVersionError } from '@timeline/event-log';
import { extract, EXTRACTOR, ExtractionContext, ExtractionResult, KnownStatement } from '@timeline/extraction';
import { evolveStories, initialState, reextractEvents, StoryTimeline, TimelineStatement } from '@timeline/timeline';
import { familyEvents, readStoryFamily } from '@timeline/audit';

/**
 * `timeline reextract [--story ID] [--since TIME]`: re-derive statements
 * from the stored wire-item events with the current extractor and append the
 * differences (issue 3, "Re-extraction").
 *
 * It WRITES TO THE LOG ITSELF (PgEventLog.append), not through JetStream and
 * the writer app: it is an operator tool run against the database like
 * `audit` and `projections rebuild`, it needs no running apps, and it must
 * decide its events against the exact story it read — so each story's
 * events are appended in one transaction with the expected stream version it
 * read (a concurrent ingest makes it read the story again and re-decide).
 * Event ids are deterministic and include the extractor version, so a re-run
 * (or a crash and retry) is a no-op. The projector picks the events up by
 * its polling fallback (no `log.appended` wake-up is published).
 */

/** The extractor to run: (item, story context) → statements. The current one by default; tests inject another. */
export type ExtractFn = (item: WireItem, context: ExtractionContext) => ExtractionResult;

export interface ReextractOptions {
  story?: string;
  /** ISO 8601: only item versions recorded at or after it. */
  since?: string;
}

export interface ReextractIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  env?: Record<string, string | undefined>;
  /** Default: the current extractor (`extract`). */
  extract?: ExtractFn;
}

export interface ReextractReport {
  extractor: { name: string; version: string };
  stories: number;
  items: number;
  added: number;
  changed: number;
  retired: number;
  unchanged: number;
  /** Events written now. */
  appended: number;
  /** Events decided that the log already held (a re-run). */
  duplicates: number;
  eventIds: string[];
}

const MAX_ATTEMPTS = 5;

/** A statement as extraction context (the same fields ingest passes: apps/ingest knownStatement). */
function known(itemUri: string, s: Pick<TimelineStatement, 'statementId' | 'source' | 'content' | 'kind' | 'saidAt' | 'medium' | 'via' | 'cue' | 'relations'>): KnownStatement {
  return {
    statementId: s.statementId, itemUri, speaker: s.source.name, speakerType: s.source.type, role: s.source.role,
    content: s.content, kind: s.kind, saidAt: s.saidAt, medium: s.medium, via: s.via, cue: s.cue, relations: s.relations,
  };
}

function contextFor(statements: Map<string, KnownStatement>, uri: string): ExtractionContext {
  const storyStatements = [...statements.values()].filter((s) => s.itemUri !== uri);
  const speakers = new Map<string, ExtractionContext['knownSpeakers'][number]>();
  for (const s of storyStatements) {
    if (!speakers.has(s.speaker)) speakers.set(s.speaker, { name: s.speaker, type: s.speakerType, role: s.role, aliases: [] });
  }
  return { storyStatements, knownSpeakers: [...speakers.values()] };
}

interface StoryPlan {
  events: NewEvent[];
  items: number;
  added: number;
  changed: number;
  retired: number;
  unchanged: number;
  /** Stream position the plan was decided at. */
  position: number;
}

/**
 * Decide the re-extraction events of one story from its stream: replay it
 * with `evolve` (the timeline as the log has it now, no projector lag), then
 * for each current usable item version (recorded at or after `since`), in
 * firstcreated order, run the extractor with the other items' statements as
 * context (updated with what this run re-derived) and diff with
 * `reextractEvents`.
 *
 * Merges: `events` may hold the streams of the stories merged into this one
 * too (in global-position order); they are folded with evolveStories, so a
 * survivor re-derives the union with the union as context, and writes to its
 * own stream. A story merged into another plans nothing (its survivor does).
 */
export function planStory(storyId: string, events: readonly StoredEvent[], opts: { since?: string; extract: ExtractFn; correlationId: string }): StoryPlan {
  const states = new Map<string, StoryTimeline>([[storyId, initialState(storyId)]]);
  const itemEvents = new Map<string, StoredEvent<Extract<TimelineEvent, { type: 'WireItemRecorded' }>>>();
  const streamId = storyStream(storyId);
  let position = 0;
  for (const ev of events) {
    const e = ev as StoredEvent<TimelineEvent>;
    if (e.type === 'WireItemRecorded') itemEvents.set(e.eventId, e);
    if (e.streamId === streamId) position = e.streamPosition;
    evolveStories(states, e);
  }
  const state = states.get(storyId)!;
  if (state.mergedInto) return { events: [], items: 0, added: 0, changed: 0, retired: 0, unchanged: 0, position };
  const sinceMs = opts.since !== undefined ? Date.parse(opts.since) : null;
  const items = Object.values(state.items)
    .filter((i) => i.pubstatus === 'usable')
    .filter((i) => sinceMs === null || Date.parse(itemEvents.get(i.eventId)!.recordedAt) >= sinceMs)
    .sort((a, b) => (a.firstcreated < b.firstcreated ? -1 : a.firstcreated > b.firstcreated ? 1 : a.uri < b.uri ? -1 : 1));
  const context = new Map<string, KnownStatement>();
  for (const s of Object.values(state.statements)) if (s.status === 'active') context.set(s.statementId, known(s.itemUri, s));

  const plan: StoryPlan = { events: [], items: 0, added: 0, changed: 0, retired: 0, unchanged: 0, position };
  for (const cur of items) {
    const itemEvent = itemEvents.get(cur.eventId)!;
    const item = itemEvent.data.item;
    const extraction = opts.extract(item, contextFor(context, item.uri));
    const current = Object.values(state.statements).filter((s) => s.itemUri === item.uri && s.itemVersion === item.version);
    const out = reextractEvents({
      storyId, itemUri: item.uri, itemVersion: item.version, itemEventId: cur.eventId, current, extraction, correlationId: opts.correlationId,
    });
    plan.items += 1;
    plan.added += out.added.length;
    plan.changed += out.changed.length;
    plan.retired += out.retired.length;
    plan.unchanged += out.unchanged;
    plan.events.push(...out.events);
    // Later items see this item's statements as re-derived now.
    for (const [id, s] of context) if (s.itemUri === item.uri) context.delete(id);
    for (const s of extraction.statements) context.set(s.statementId, known(item.uri, s));
  }
  return plan;
}

/** A story's merge family (readStoryFamily: every story a merge links it to), all streams in global-position order. */
async function readFamilyEvents(log: PgEventLog, storyId: string): Promise<StoredEvent[]> {
  return familyEvents(await readStoryFamily(storyId, (id) => log.readStream(storyStream(id))));
}

/** Story ids that have a stream in the log (`story-<id>`). */
async function storyIds(pool: ReturnType<typeof createPool>, schema: string): Promise<string[]> {
  const r = await pool.query<{ stream_id: string }>(`SELECT stream_id FROM ${quoteSchema(schema)}.stream_heads WHERE stream_id LIKE 'story-%' ORDER BY stream_id`);
  return r.rows.map((x) => x.stream_id.slice('story-'.length));
}

/**
 * Run the re-extraction over the log (every story, or `--story`), appending
 * each story's events in one transaction.
 * @throws Error for a bad --since or an unknown --story.
 */
export async function reextract(opts: ReextractOptions, io: ReextractIo): Promise<ReextractReport> {
  if (opts.since !== undefined && Number.isNaN(Date.parse(opts.since))) throw new Error(`--since must be an ISO 8601 time: ${opts.since}`);
  const cfg = loadConfig(io.env ?? process.env);
  const pool = createPool(requireDatabaseUrl(cfg), { max: 2, applicationName: 'timeline-reextract' });
  const log = new PgEventLog(pool, { schema: cfg.databaseSchema });
  const run = io.extract ?? extract;
  const correlationId = `reextract-${new Date().toISOString()}`;
  let extractor = EXTRACTOR;
  const report: ReextractReport = { extractor, stories: 0, items: 0, added: 0, changed: 0, retired: 0, unchanged: 0, appended: 0, duplicates: 0, eventIds: [] };
  const extractFn: ExtractFn = (item, ctx) => {
    const r = run(item, ctx);
    extractor = r.extractor;
    return r;
  };
  try {
    const ids = opts.story ? [opts.story] : await storyIds(pool, cfg.databaseSchema);
    for (const storyId of ids) {
      const streamId = storyStream(storyId);
      for (let attempt = 1; ; attempt++) {
        const events = await readFamilyEvents(log, storyId);
        if (opts.story && events.length === 0) throw new Error(`no story ${storyId} (stream ${streamId} has no events)`);
        const plan = planStory(storyId, events, { since: opts.since, extract: extractFn, correlationId });
        try {
          const res = plan.events.length ? await log.append(plan.events, { expectedVersions: { [streamId]: plan.position } }) : { appended: 0, duplicates: 0 };
          report.stories += plan.items ? 1 : 0;
          report.items += plan.items;
          report.added += plan.added;
          report.changed += plan.changed;
          report.retired += plan.retired;
          report.unchanged += plan.unchanged;
          report.appended += res.appended;
          report.duplicates += res.duplicates;
          report.eventIds.push(...plan.events.map((e) => e.eventId));
          break;
        } catch (err) {
          // Someone appended to the story since we read it: read it again and re-decide.
          if (err instanceof WrongExpectedVersionError && attempt < MAX_ATTEMPTS) continue;
          throw err;
        }
      }
    }
  } finally {
    await pool.end().catch(() => undefined);
  }
  report.extractor = extractor;
  return report;
}

/** The one-line summary. */
export function reextractSummary(r: ReextractReport): string {
  return (
    `reextract ${r.extractor.name}@${r.extractor.version}: ${r.items} items in ${r.stories} stories, ` +
    `${r.added} statements added, ${r.changed} changed, ${r.retired} retired (${r.unchanged} unchanged), ` +
    `${r.appended} events appended${r.duplicates ? ` (${r.duplicates} already in the log)` : ''}`
  );
}

/** Register `timeline reextract` on the program. Errors propagate to runCli (one-line message, exit code 1). */
export function registerReextractCommands(program: Command, io: ReextractIo = { out: process.stdout, err: process.stderr }): Command {
  program
    .command('reextract')
    .description(
      'Re-derive statements from the stored wire-item events with the current extractor and append the differences to the log ' +
        '(statements added, changed, retracted); writes to the log directly (needs DATABASE_URL, not the apps).',
    )
    .option('--story <id>', 'only this story (uuid); a story merged into another is re-derived with its survivor (give the survivor\'s id: the merged id plans nothing)')
    .option('--since <time>', 'only item versions recorded at or after this ISO 8601 time')
    .option('--json', 'print the report as JSON')
    .action(async (o) => {
      const r = await reextract({ story: o.story, since: o.since }, io);
      if (o.json) {
        const { eventIds: _ids, ...rest } = r;
        io.out.write(JSON.stringify(rest, null, 2) + '\n');
      } else io.out.write(reextractSummary(r) + '\n');
      process.exitCode = 0;
    });
  return program;
}
