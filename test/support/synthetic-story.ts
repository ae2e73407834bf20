import {
  deterministicId, itemEventId, NewEvent, sha256Canonical, statementEventId, statementId as stmtId, storyStream, WireItem,
} from '@timeline/events';

/** Options of syntheticStory. */
export interface SyntheticStoryOptions {
  /** Story key (the story id is a UUID v5 of it). */
  key: string;
  /** Number of events to generate (approximately: whole items). */
  events: number;
  /** Statements per item version (default 9). */
  statementsPerItem?: number;
  /** Every n-th item gets a corrected version 2 (default 5; 0 = none). */
  correctEvery?: number;
  /** Every n-th item is killed after its correction (default 25; 0 = none). */
  killEvery?: number;
  /** Characters of body text per item (default 2000). */
  bodyChars?: number;
}

/**
 * A deterministic, realistic story stream for benchmarks and tests: items of
 * ~2 kB body text with `statementsPerItem` statements each, relations between
 * statements, corrected versions (one statement reworded, the others kept)
 * and kills. Returns NewEvents in append order (one item version's events
 * together, as ingest publishes them).
 */
export function syntheticStory(o: SyntheticStoryOptions): { storyId: string; streamId: string; events: NewEvent[] } {
  const storyId = deterministicId('synthetic-story', o.key);
  const streamId = storyStream(storyId);
  const per = o.statementsPerItem ?? 9;
  const correctEvery = o.correctEvery ?? 5;
  const killEvery = o.killEvery ?? 25;
  const body = 'Officials said the talks would resume next week. '.repeat(Math.ceil((o.bodyChars ?? 2000) / 50)).slice(0, o.bodyChars ?? 2000);
  const events: NewEvent[] = [];
  const speakers = ['Dmitry Peskov', 'Donald Trump', 'Rostec', 'The Wall Street Journal', 'A senior official'];
  const prevIds: string[] = [];
  const extractor = { name: 'rules', version: '1.0.0' };
  const push = (item: WireItem, contents: string[]) => {
    const itemId = itemEventId(item.uri, item.version);
    events.push({
      type: 'WireItemRecorded', eventId: itemId, streamId, schemaVersion: 1,
      data: { storyId, item, format: 'ninjs', contentHash: sha256Canonical(item), ...(events.length === 0 ? { storyTitle: item.headline } : {}) },
      metadata: { correlationId: `bench-${o.key}`, causationId: null },
    } as NewEvent);
    if (item.pubstatus !== 'usable') return;
    contents.forEach((content, j) => {
      const sp = speakers[j % speakers.length];
      const id = stmtId(item.uri, sp.toLowerCase(), content.toLowerCase());
      const target = prevIds.length ? prevIds[(prevIds.length * 7 + j) % prevIds.length] : null;
      const day = `2019-06-${String(1 + ((j + item.uri.length) % 28)).padStart(2, '0')}`;
      events.push({
        type: 'StatementRecorded', eventId: statementEventId(item.uri, item.version, id), streamId, schemaVersion: 1,
        data: {
          statementId: id, storyId, itemUri: item.uri, itemVersion: item.version,
          source: { name: sp, type: j % 5 === 4 ? 'anonymous' : 'person', role: null, speakerId: deterministicId('speaker', sp.toLowerCase()) },
          cue: j % 3 === 0 ? 'denied' : 'said', content, kind: j % 2 ? 'direct' : 'indirect', medium: j % 4 === 0 ? 'briefing' : null,
          via: j % 3 === 0 ? ['Reuters'] : [], saidAt: { from: day, to: day },
          mentions: [{ start: j * 40, end: j * 40 + 35 }],
          relations: target && j % 3 === 0 ? [{ type: 'contradicts', target }] : [],
          extractor,
        },
        metadata: { correlationId: `bench-${o.key}`, causationId: itemId, extractor },
      } as NewEvent);
      if (item.version === 1) prevIds.push(id);
    });
  };
  for (let i = 0; events.length < o.events; i++) {
    const uri = `urn:synthetic:${o.key}:${i}`;
    const base: WireItem = {
      uri, version: 1, pubstatus: 'usable', firstcreated: `2019-06-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`,
      versioncreated: `2019-06-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`, headline: `Item ${i} of story ${o.key}`,
      byline: null, located: null, language: 'en', body_text: body, ednote: null, subject: [],
    };
    const contents = Array.from({ length: per }, (_, j) => `Statement ${j} of item ${i}: the talks would resume next week, number ${i * per + j}.`);
    push(base, contents);
    if (correctEvery && i % correctEvery === correctEvery - 1 && events.length < o.events) {
      const fixed = [...contents];
      fixed[0] = `${fixed[0]} (corrected)`;
      push({ ...base, version: 2, versioncreated: base.versioncreated.replace('10:00', '12:00'), ednote: 'Corrects statement 0' }, fixed);
      if (killEvery && i % killEvery === killEvery - 1 && events.length < o.events) {
        push({ ...base, version: 3, pubstatus: 'canceled', versioncreated: base.versioncreated.replace('10:00', '13:00'), ednote: 'Kill' }, []);
      }
    }
  }
  return { storyId, streamId, events: events.slice(0, o.events) };
}
