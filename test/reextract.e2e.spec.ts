import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import * as path from 'node:path';
import { Command } from 'commander';
import type { StoredEvent, TimelineEvent } from '@timeline/events';
import { extract, EXTRACTOR, ExtractionResult } from '@timeline/extraction';
import { ExtractFn, registerReextractCommands } from '../apps/cli/reextract.command';
import { Pipeline, startPipeline } from './support/pipeline';

const corpus = path.resolve(__dirname, '../../shared/corpus');
const seed = JSON.parse(readFileSync(path.join(corpus, 'articles/seed-kremlin-venezuela.json'), 'utf8'));

/** Run `timeline reextract …` in-process (the real command), with the extractor it should use. */
async function reextractCli(p: Pipeline, extractFn: ExtractFn | undefined, ...args: string[]): Promise<{ out: string; report: any }> {
  let out = '';
  const sink = new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) });
  const env = { ...process.env, DATABASE_URL: p.cfg.databaseUrl, DATABASE_SCHEMA: p.cfg.databaseSchema };
  const program = registerReextractCommands(new Command('timeline').exitOverride(), { out: sink, err: sink, env, extract: extractFn });
  const before = process.exitCode;
  try {
    await program.parseAsync(['node', 'timeline', 'reextract', ...args]);
    expect(process.exitCode ?? 0).toBe(0);
  } finally {
    process.exitCode = before;
  }
  return { out, report: args.includes('--json') ? JSON.parse(out) : null };
}

/**
 * `timeline reextract` on a running pipeline. A newer extractor is simulated
 * honestly: the real extractor runs on the stored item with the story
 * context, then its output is altered as a newer version might (one
 * statement no longer found, one found with another medium) and labelled
 * with another version. The command diffs it with the timeline and appends.
 */
describe('timeline reextract', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  }, 30_000);

  it('appends the differences, the timeline shows the new set, the log keeps the old, and a re-run appends nothing', async () => {
    const r = await fetch(`${p.ingestUrl}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(seed) });
    expect(r.status).toBe(202);
    const ingested = (await r.json()) as any;
    await p.settled(ingested.eventIds);
    const storyId: string = ingested.storyId;
    const timeline = async () => ((await (await fetch(`${p.apiUrl}/stories/${storyId}/timeline`)).json()) as any).statements as any[];
    const before = await timeline();
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.every((s) => s.extractor.version === EXTRACTOR.version)).toBe(true);

    // The current extractor on the stored item finds exactly what the timeline holds: nothing to append.
    const same = await reextractCli(p, undefined, '--story', storyId, '--json');
    expect(same.report).toMatchObject({ items: 1, added: 0, changed: 0, retired: 0, appended: 0, unchanged: before.length });

    const dropped = before[0].statementId;
    const changed = before[1].statementId;
    const newMedium = before[1].medium === 'interview' ? 'briefing' : 'interview';
    const NEXT = { name: EXTRACTOR.name, version: `${EXTRACTOR.version}-next` };
    const newer: ExtractFn = (item, ctx): ExtractionResult => {
      const real = extract(item, ctx);
      return {
        extractor: NEXT,
        statements: real.statements
          .filter((s) => s.statementId !== dropped)
          .map((s) => (s.statementId === changed ? { ...s, medium: newMedium } : s)),
      };
    };

    const first = await reextractCli(p, newer, '--story', storyId, '--since', '2000-01-01T00:00:00Z');
    expect(first.out.trim().split('\n')).toHaveLength(1);
    expect(first.out).toContain(`reextract ${NEXT.name}@${NEXT.version}: 1 items in 1 stories, 0 statements added, 1 changed, 1 retired`);
    expect(first.out).toContain('2 events appended');

    // Wait for the projector to apply everything appended so far.
    const stream = async () => (await p.log.readStream(`story-${storyId}`)) as StoredEvent<TimelineEvent>[];
    await p.settled((await stream()).map((e) => e.eventId));

    const after = await timeline();
    expect(after.map((s) => s.statementId).sort()).toEqual(before.map((s) => s.statementId).filter((id) => id !== dropped).sort());
    const ch = after.find((s) => s.statementId === changed);
    expect(ch).toMatchObject({ medium: newMedium, extractor: NEXT });
    expect(after.filter((s) => s.statementId !== changed).every((s) => s.extractor.version === EXTRACTOR.version)).toBe(true);

    // The log keeps the dropped statement's history: its original record, then the retraction.
    const events = await stream();
    const ofDropped = events.filter((e) => (e.type === 'StatementRecorded' || e.type === 'StatementRetracted') && e.data.statementId === dropped);
    expect(ofDropped.map((e) => e.type)).toEqual(['StatementRecorded', 'StatementRetracted']);
    expect(ofDropped[0].data).toMatchObject({ content: before[0].content, extractor: EXTRACTOR });
    expect(ofDropped[1].data).toMatchObject({ extractor: NEXT, reason: 're-extracted' });
    const detail = (await (await fetch(`${p.apiUrl}/statements/${dropped}`)).json()) as any;
    expect(detail.statement).toMatchObject({ status: 'retracted', content: before[0].content });
    const history = (await (await fetch(`${p.apiUrl}/statements/${dropped}/history`)).json()) as any;
    expect(history.current.status).toBe('retracted');
    expect(history.events.map((e: any) => e.statusAfter)).toEqual(['active', 'retracted']);

    // The same extractor again: zero events.
    const again = await reextractCli(p, newer, '--json');
    expect(again.report).toMatchObject({ stories: 1, items: 1, added: 0, changed: 0, retired: 0, appended: 0, duplicates: 0 });
    expect((await stream()).length).toBe(events.length);

    // Outside --since: nothing re-derived.
    const later = await reextractCli(p, newer, '--since', new Date(Date.now() + 60_000).toISOString(), '--json');
    expect(later.report).toMatchObject({ items: 0, appended: 0 });
  }, 60_000);
});
