import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { chainHash, GENESIS_HASH, NewEvent } from '@timeline/events';
import { evolve, initialState, timelineEntries } from '@timeline/timeline';
import { syntheticStory } from '../../../test/support/synthetic-story';
import {
  buildBundle, diffTimeline, parseBound, positionBound, RawStoredEvent, readRawEvent, replayStory, snapshotServes, statementHistory, timeBound, verifyBundle,
} from './index';

/** Store NewEvents as the writer would: positions, one minute apart, chained hashes. */
function store(events: NewEvent[], start = Date.parse('2019-06-04T12:00:00Z')): RawStoredEvent[] {
  let prev = GENESIS_HASH;
  return events.map((e, i) => {
    const recordedAt = new Date(start + i * 60_000).toISOString();
    const base = { eventId: e.eventId, streamId: e.streamId, streamPosition: i + 1, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata, recordedAt };
    const hash = chainHash(prev, base);
    const row = { ...base, globalPosition: String(100 + i), transactionId: String(1000 + i), prevHash: prev, hash };
    prev = hash;
    return JSON.parse(JSON.stringify(row)) as RawStoredEvent;
  });
}

// 3 items of 4 statements; item 1 gets a corrected version 2 (statement 0 reworded), item 2 is killed.
const story = syntheticStory({ key: 'audit-unit', events: 40, statementsPerItem: 4, correctEvery: 2, killEvery: 2 });
const raw = store(story.events);
const stored = raw.map(readRawEvent);

describe('bounds', () => {
  it('parses positions and ISO instants, and names the parameter of a bad one', () => {
    expect(parseBound('42', 'from')).toEqual({ kind: 'position', globalPosition: '42' });
    expect(parseBound('2019-06-04T14:00:00+02:00', 'to')).toEqual({ kind: 'time', asOf: '2019-06-04T12:00:00.000Z' });
    expect(() => parseBound('yesterday', 'from')).toThrow(/from must be an ISO 8601 instant/);
    expect(() => positionBound('-1')).toThrow(/position must be a global position/);
    expect(() => timeBound('2019-13-45T00:00:00Z')).toThrow(/asOf/);
    expect(timeBound('2019-06-04')).toEqual({ kind: 'time', asOf: '2019-06-04T00:00:00.000Z' });
  });

  it('refuses a day that does not exist instead of rolling it over (2019-02-30 was read as 2 March)', () => {
    expect(() => timeBound('2019-02-30T00:00:00Z')).toThrow(/asOf .*2019-02-30 is not a day/);
    expect(() => parseBound('2019-02-29', 'from')).toThrow(/from .*not a day/);
    expect(() => timeBound('2019-06-04T24:30:00Z')).toThrow(/no such time of day/);
    expect(timeBound('2020-02-29T23:59:59Z').asOf).toBe('2020-02-29T23:59:59.000Z');
  });

  it('refuses a date-time without Z or an offset (it was read in the server time zone)', () => {
    expect(() => timeBound('2026-11-29T22:00:00')).toThrow(/without Z or an offset is ambiguous/);
  });
});

describe('as-of replay', () => {
  it('given the whole stream, when replayed, then it equals the live fold (one evolve for both)', () => {
    let live = initialState(story.storyId);
    for (const e of stored) live = evolve(live, e);
    const r = replayStory(story.storyId, stored);
    expect(r.entries).toEqual(timelineEntries(live));
    expect(r.reflects).toMatchObject({ globalPosition: raw[raw.length - 1].globalPosition, streamPosition: raw.length, eventCount: raw.length, requested: {} });
  });

  it('given a recorded time, then it folds the prefix recorded up to it and states the position and time it reflects', () => {
    const r = replayStory(story.storyId, stored, timeBound(raw[4].recordedAt));
    expect(r.reflects).toMatchObject({ eventCount: 5, streamPosition: 5, globalPosition: raw[4].globalPosition, recordedAt: raw[4].recordedAt });
    expect(r.entries).toHaveLength(4);
    const before = replayStory(story.storyId, stored, timeBound('2019-06-04T11:00:00Z'));
    expect(before.entries).toEqual([]);
    expect(before.reflects).toMatchObject({ eventCount: 0, globalPosition: '0', recordedAt: null });
  });

  it('given a global position, then it folds up to and including it', () => {
    expect(replayStory(story.storyId, stored, positionBound(raw[9].globalPosition)).reflects.eventCount).toBe(10);
  });

  it('given a snapshot, when replay continues from it with the events after it, then it equals a replay from the start and the snapshot is left unchanged', () => {
    const first = replayStory(story.storyId, stored.slice(0, 17), positionBound(raw[16].globalPosition));
    const frozen = JSON.stringify(first.snapshot.state);
    expect(snapshotServes(first.snapshot, timeBound(raw[16].recordedAt))).toBe(true);
    expect(snapshotServes(first.snapshot, positionBound(raw[15].globalPosition))).toBe(false);
    const cont = replayStory(story.storyId, stored.slice(17), { kind: 'head' }, first.snapshot);
    const full = replayStory(story.storyId, stored);
    expect(cont.entries).toEqual(full.entries);
    expect(cont.reflects).toEqual(full.reflects);
    expect(JSON.stringify(first.snapshot.state)).toBe(frozen);
    // Nothing after the snapshot: the snapshot's answer, as of its last event.
    expect(replayStory(story.storyId, [], { kind: 'head' }, full.snapshot).reflects).toEqual(full.reflects);
  });

  it('regression: an as-of read bounded in SQL left out an event (clock stepped back) and replay folded the next one without it; now it stops at the hole', () => {
    const holed = [...stored.slice(0, 5), ...stored.slice(6)];
    expect(replayStory(story.storyId, holed).reflects.eventCount).toBe(5);
  });
});

describe('diff', () => {
  const v2 = raw.findIndex((e) => e.type === 'WireItemRecorded' && (e.data as any).item.version === 2);
  const kill = raw.findIndex((e) => e.type === 'WireItemRecorded' && (e.data as any).item.pubstatus === 'canceled');

  it('given a corrected version, then the reworded statement is removed (superseded) and its new wording added, each with its events', () => {
    const d = diffTimeline(story.storyId, stored, positionBound(raw[v2 - 1].globalPosition), positionBound(raw[v2 + 4].globalPosition));
    expect(d.removed).toHaveLength(1);
    expect(d.removed[0].after!.status).toBe('superseded');
    expect(d.removed[0].events.map((e) => e.eventId)).toEqual([raw[v2].eventId]);
    expect(d.added).toHaveLength(1);
    expect(d.added[0].after!.content).toMatch(/\(corrected\)$/);
    expect(d.added[0].events[0]).toMatchObject({ type: 'StatementRecorded', itemVersion: 2, extractor: { name: 'rules', version: '1.0.0' } });
    // The three unchanged statements now cite version 2: a change of provenance, not of content.
    expect(d.changed).toHaveLength(3);
    expect(d.changed[0].changedFields).toEqual(['itemVersion', 'mentions']);
    expect(d.from.eventCount).toBe(v2);
    expect(d.to.eventCount).toBe(v2 + 5);
  });

  it('given a kill, then all the item statements are removed as withdrawn', () => {
    const d = diffTimeline(story.storyId, stored, positionBound(raw[kill - 1].globalPosition), positionBound(raw[kill].globalPosition));
    expect(d.removed.length).toBe(4);
    expect(d.removed.every((x) => x.after!.status === 'withdrawn' && x.events[0].pubstatus === 'canceled')).toBe(true);
    expect(d.added).toEqual([]);
  });

  it('rejects from after to', () => {
    expect(() => diffTimeline(story.storyId, stored, positionBound('120'), positionBound('101'))).toThrow(/from .* lies after to/);
  });
});

describe('statement history', () => {
  it('lists recorded, recorded again by the correction, and withdrawn by the kill, with item versions and extractor', () => {
    const kept = (raw[7].data as any).statementId; // statement 1 of item 1, unchanged by the correction
    const h = statementHistory(story.storyId, kept, stored)!;
    expect(h.events.map((e) => [e.kind, e.itemVersion])).toEqual(
      expect.arrayContaining([
        ['recorded', 1],
        ['recorded_again', 2],
      ]),
    );
    expect(h.events[0]).toMatchObject({ itemUri: (raw[7].data as any).itemUri, extractor: { version: '1.0.0' } });
    expect(h.events.at(-1)).toMatchObject({ kind: 'withdrawn', pubstatus: 'canceled', itemVersion: 3 });
    const reworded = (raw[6].data as any).statementId;
    const h2 = statementHistory(story.storyId, reworded, stored)!;
    expect(h2.events.map((e) => e.kind)).toContain('superseded');
    expect(h2.current.status).not.toBe('active');
    expect(statementHistory(story.storyId, '00000000-0000-4000-8000-000000000000', stored)).toBeNull();
  });

  it('lists statements pointing at it as related', () => {
    const targets = stored.filter((e) => e.type === 'StatementRecorded').flatMap((e) => (e.data as any).relations.map((r: any) => r.target));
    const h = statementHistory(story.storyId, targets[0], stored)!;
    expect(h.events.some((e) => e.kind === 'related' && e.relation?.type === 'contradicts')).toBe(true);
  });
});

describe('audit bundle', () => {
  const head = { position: raw.length, hash: raw[raw.length - 1].hash };
  const build = (bound = timeBound(raw[19].recordedAt)) =>
    buildBundle({ storyId: story.storyId, streams: [{ storyId: story.storyId, streamId: story.streamId, events: raw, sealedHead: head }], headsDigest: 'f'.repeat(64), bound, exportedAt: '2026-01-01T00:00:00.000Z' });

  it('verifies offline and reproduces the as-of timeline', () => {
    const b = build();
    expect(b.manifest).toMatchObject({ events: 20, lastGlobalPosition: raw[19].globalPosition, requested: { asOf: raw[19].recordedAt }, timeline: { survivor: null } });
    expect(b.manifest.streams).toEqual([expect.objectContaining({ storyId: story.storyId, events: 20, lastStreamPosition: 20, lastHash: raw[19].hash, sealedHead: head })]);
    expect(b.lines).toHaveLength(1 + 20 + (raw.length - 20));
    const r = verifyBundle(b.lines.join('\n') + '\n');
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.replay!.entries).toEqual(replayStory(story.storyId, stored, timeBound(raw[19].recordedAt)).entries);
  });

  const tamper = (fn: (lines: any[]) => any[]) => {
    const lines = build().lines.map((l) => JSON.parse(l));
    return verifyBundle(fn(lines).map((l) => JSON.stringify(l)).join('\n'));
  };

  it('detects an edited event and names its stream position', () => {
    const r = tamper((ls) => {
      ls[5].data.content = 'Forged words';
      return ls;
    });
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ streamPosition: 5, message: expect.stringMatching(/hash differs/) });
  });

  it('detects a deleted middle event', () => {
    const r = tamper((ls) => ls.filter((_, i) => i !== 3));
    expect(r.problems[0]).toMatchObject({ streamPosition: 3, message: expect.stringMatching(/missing/) });
  });

  it('detects deleted newest events (the links no longer reach the sealed head)', () => {
    const r = tamper((ls) => ls.slice(0, 18));
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.message).join('\n')).toMatch(/manifest says 20 events|sealed head/);
  });

  it('detects a forged event inserted with a correctly chained hash', () => {
    const r = tamper((ls) => {
      const prev = ls[20];
      const forged = { ...prev, eventId: '11111111-1111-4111-8111-111111111111', streamPosition: 21, prevHash: prev.hash };
      forged.hash = chainHash(prev.hash, forged);
      return [...ls.slice(0, 21), forged, ...ls.slice(21)];
    });
    expect(r.ok).toBe(false);
    expect(r.problems[0].streamPosition).toBe(21);
  });

  it('still verifies a format-1 bundle (one stream, described on the manifest itself)', () => {
    const [m, ...rest] = build().lines.map((l) => JSON.parse(l));
    const { streams, ...top } = m;
    const v1 = { ...top, formatVersion: 1, lastStreamPosition: streams[0].lastStreamPosition, lastHash: streams[0].lastHash, sealedHead: streams[0].sealedHead };
    const lines = [v1, ...rest.map(({ streamId, ...l }: any) => (l.kind === 'link' ? l : { ...l, streamId }))];
    const r = verifyBundle(lines.map((l) => JSON.stringify(l)).join('\n'));
    expect(r.problems).toEqual([]);
    expect(r.replay!.entries).toEqual(replayStory(story.storyId, stored, timeBound(raw[19].recordedAt)).entries);
    const edited = lines.map((l, i) => (i === 4 ? { ...l, data: { ...l.data, content: 'Forged' } } : l));
    expect(verifyBundle(edited.map((l) => JSON.stringify(l)).join('\n')).problems[0]).toMatchObject({ streamPosition: 4 });
  });

  it('malformed input is a problem, never a throw: a null or non-object line, manifest fields missing or of the wrong type', () => {
    const [m, ...rest] = build().lines.map((l) => JSON.parse(l));
    const text = (ls: unknown[]) => ls.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
    const withStream = (patch: object) => ({ ...m, streams: [{ ...m.streams[0], ...patch }] });
    const { sealedHead: _, ...noHead } = m.streams[0];
    const cases: [string, string, RegExp][] = [
      ['null first line', 'null', /line 1 must be a .* manifest/],
      ['null event line', text([m, 'null', ...rest]), /line 2 is not a JSON object/],
      ['a number line', text([m, '5', ...rest]), /line 2 is not a JSON object/],
      ['streams: [null]', text([{ ...m, streams: [null] }, ...rest]), /manifest\.streams\[0\] must be an object/],
      ['streams: {}', text([{ ...m, streams: {} }, ...rest]), /lists no streams/],
      ['a stream without sealedHead', text([{ ...m, streams: [noHead] }, ...rest]), /manifest\.streams\[0\]\.sealedHead must have position/],
      ['sealedHead.hash a number', text([withStream({ sealedHead: { position: 40, hash: 5 } }), ...rest]), /sealedHead must have position/],
      ['events as a string', text([withStream({ events: '20' }), ...rest]), /manifest\.streams\[0\]\.events must be a count, it is "20"/],
      ['no timeline', text([{ ...m, timeline: undefined }, ...rest]), /manifest\.timeline must have statements/],
      ['no requested', text([{ ...m, requested: undefined }, ...rest]), /manifest\.requested must be an object/],
      ['format 1 without sealedHead', text([{ ...m, formatVersion: 1, streams: undefined, lastHash: m.streams[0].lastHash }, ...rest]), /^manifest\.sealedHead must have position/],
    ];
    for (const [name, input, message] of cases) {
      let r: ReturnType<typeof verifyBundle> | undefined;
      expect(() => (r = verifyBundle(input))).not.toThrow();
      expect({ name, ok: r!.ok, manifest: /manifest|streams/.test(name) ? r!.manifest : null }).toEqual({ name, ok: false, manifest: null });
      expect({ name, message: r!.problems[0].message }).toEqual({ name, message: expect.stringMatching(message) });
    }
  });

  it('an event too deeply nested to hash is a problem, not a stack overflow', () => {
    const lines = build().lines;
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const e = lines[1].replace(/"data":\{/, `"data":{"deep":${deep},`);
    const r = verifyBundle([lines[0], e, ...lines.slice(2)].join('\n'));
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ line: 2, streamPosition: 1, message: expect.stringMatching(/cannot be hashed/) });
  });

  it('CRLF line endings, a BOM and a trailing blank line still verify; trailing garbage does not', () => {
    const lines = build().lines;
    expect(verifyBundle('\uFEFF' + lines.join('\r\n') + '\r\n\r\n').problems).toEqual([]);
    expect(verifyBundle(lines.join('\n') + '\n}{').problems).toEqual([{ line: lines.length + 1, message: expect.stringMatching(new RegExp(`^line ${lines.length + 1} is not JSON`)) }]);
  });

  it('says a pretty-printed or other non-NDJSON file is not a bundle, once (it gave one "not JSON" per line)', () => {
    const r = verifyBundle(JSON.stringify(JSON.parse(build().lines[0]), null, 2));
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([{ line: 1, message: expect.stringMatching(/line 1 is not JSON: a bundle is NDJSON/) }]);
  });

  it('says a bundle cut in the middle of its last line looks truncated', () => {
    const text = build().lines.join('\n');
    const r = verifyBundle(text.slice(0, text.length - 20));
    expect(r.ok).toBe(false);
    expect(r.problems[0].message).toMatch(/ends in the middle of a line \(truncated\?\)/);
  });

  it('refuses a bundle format it does not know, naming the version', () => {
    const [m, ...rest] = build().lines.map((l) => JSON.parse(l));
    const r = verifyBundle([{ ...m, formatVersion: 9 }, ...rest].map((l) => JSON.stringify(l)).join('\n'));
    expect(r.ok).toBe(false);
    expect(r.problems[0].message).toMatch(/unsupported bundle format version 9/);
  });
});

describe('layering', () => {
  it('libs/audit imports no framework, database or broker module', () => {
    const files = readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
    const offenders: string[] = [];
    for (const f of files) {
      if (!statSync(path.join(__dirname, f)).isFile()) continue;
      const src = readFileSync(path.join(__dirname, f), 'utf8');
      for (const m of src.matchAll(/from\s+['"]([^'"]+)['"]/g)) {
        if (/^@nestjs\/|^pg$|^@nats-io\/|^@electric-sql\/|^@timeline\/(event-log|messaging|read-model|runtime)$/.test(m[1])) offenders.push(`${f}: ${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
