import { dayGroup, groupByDay, highlightSegments, justBefore, kindLabel, parseInstant, recordedMoments, relationLabel, speakersOf, viaChain } from '../../web/src/model';

/** The timeline page's pure helpers (web/src/model.ts). */
describe('timeline page model', () => {
  const line = (saidAt: { from: string | null; to: string | null } | null, itemDay = '2019-06-04') => ({ saidAt, itemDay });

  it('groups consecutive statements by said_at day, with ranges, open ends and undated ones', () => {
    const groups = groupByDay([
      line({ from: '2019-06-03', to: '2019-06-03' }),
      line({ from: '2019-06-03', to: '2019-06-03' }),
      line({ from: '2019-06-03', to: '2019-06-04' }),
      line({ from: null, to: '2019-06-05' }),
      line(null),
    ]);
    expect(groups.map((g) => [g.label, g.lines.length])).toEqual([
      ['Mon 3 Jun 2019', 2],
      ['Mon 3 Jun 2019 – Tue 4 Jun 2019', 1],
      ['Until Wed 5 Jun 2019', 1],
      ['Undated (reported Tue 4 Jun 2019)', 1],
    ]);
    expect(dayGroup(line({ from: '2019-06-03', to: null })).label).toBe('From Mon 3 Jun 2019');
    expect(dayGroup(line({ from: null, to: null })).dated).toBe(false);
  });

  it('marks the given offsets, merging overlaps and clamping to the text', () => {
    const text = 'Peskov said the specialists stayed.';
    expect(highlightSegments(text, [{ start: 0, end: 6 }, { start: 4, end: 11 }, { start: 28, end: 99 }])).toEqual([
      { text: 'Peskov said', mark: true },
      { text: ' the specialists ', mark: false },
      { text: 'stayed.', mark: true },
    ]);
    expect(highlightSegments(text, [{ start: 5, end: 5 }, { start: 9, end: 3 }])).toEqual([{ text, mark: false }]);
    expect(highlightSegments('', [])).toEqual([{ text: '', mark: false }]);
    expect(highlightSegments('ab', [{ start: 0, end: 2 }])).toEqual([{ text: 'ab', mark: true }]);
  });

  it('lists the distinct recorded moments in order and the instant just before one', () => {
    const m = recordedMoments([
      { firstRecordedAt: '2026-01-02T00:00:00.500Z', recordedAt: '2026-01-03T00:00:00.000Z' },
      { firstRecordedAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z' },
    ]);
    expect(m).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.500Z', '2026-01-03T00:00:00.000Z']);
    expect(justBefore(m[1])).toBe('2026-01-02T00:00:00.499Z');
  });

  it('parses typed instants as UTC and refuses what is not one', () => {
    expect(parseInstant('2019-06-04T15:00:00Z')).toBe('2019-06-04T15:00:00.000Z');
    expect(parseInstant('2019-06-04 15:00')).toBe('2019-06-04T15:00:00.000Z');
    expect(parseInstant('2019-06-04T17:00:00+02:00')).toBe('2019-06-04T15:00:00.000Z');
    expect(parseInstant('2019-06-04')).toBe('2019-06-04T00:00:00.000Z');
    expect(parseInstant('yesterday')).toBeNull();
    expect(parseInstant('2019-13-45T99:00:00Z')).toBeNull();
  });

  it('names kinds, relations, via chains and speakers', () => {
    expect(['direct', 'indirect', 'mixed'].map((k) => kindLabel(k as any))).toEqual(['quote', 'paraphrase', 'paraphrase with quote']);
    expect(relationLabel('contradicts', 'out')).toBe('contradicts');
    expect(relationLabel('contradicts', 'in')).toBe('contradicted by');
    expect(relationLabel('supports', 'in')).toBe('supported by');
    expect(viaChain(['Reuters', 'TASS'])).toBe('via Reuters ← TASS');
    expect(viaChain([])).toBe('');
    const src = (name: string, speakerId: string) => ({ source: { name, speakerId, type: 'person' as const, role: null } });
    expect(speakersOf([src('Peskov', 'b'), src('Donald Trump', 'a'), src('Peskov', 'b')])).toEqual([
      { speakerId: 'a', name: 'Donald Trump', count: 1 },
      { speakerId: 'b', name: 'Peskov', count: 2 },
    ]);
  });
});
