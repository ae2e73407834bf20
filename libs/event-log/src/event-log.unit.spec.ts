import { chainHash, GENESIS_HASH } from '@timeline/events';
import {
  assertCheckpoint,
  ChainRow,
  ChainVerifier,
  compareCheckpoints,
  errorResponse,
  expectedVersionMatches,
  quoteSchema,
  sortMigrations,
  START_CHECKPOINT,
} from './index';

describe('checkpoints', () => {
  it('orders by transaction id first, then global position (numerically, not as text)', () => {
    expect(compareCheckpoints({ transactionId: '9', globalPosition: '100' }, { transactionId: '10', globalPosition: '1' })).toBeLessThan(0);
    expect(compareCheckpoints({ transactionId: '10', globalPosition: '2' }, { transactionId: '10', globalPosition: '10' })).toBeLessThan(0);
    expect(compareCheckpoints(START_CHECKPOINT, { transactionId: '0', globalPosition: '0' })).toBe(0);
  });
  it('rejects non-decimal fields', () => {
    expect(() => assertCheckpoint({ transactionId: '1; DROP', globalPosition: '0' })).toThrow(/transactionId/);
    expect(() => assertCheckpoint({ transactionId: '1', globalPosition: '-1' })).toThrow(/globalPosition/);
  });
});

describe('expectedVersionMatches', () => {
  it.each([
    ['any', 7, true],
    ['no_stream', 0, true],
    ['no_stream', 1, false],
    [0, 0, true],
    [3, 3, true],
    [3, 4, false],
  ] as const)('%s vs actual %s -> %s', (expected, actual, ok) => {
    expect(expectedVersionMatches(expected, actual)).toBe(ok);
  });
});

describe('sortMigrations / quoteSchema', () => {
  it('sorts by id and refuses duplicates and bad ids', () => {
    expect(sortMigrations([{ id: 100, name: 'b', sql: 'x' }, { id: 2, name: 'a', sql: 'y' }]).map((m) => m.id)).toEqual([2, 100]);
    expect(() => sortMigrations([{ id: 1, name: 'a', sql: 'x' }, { id: 1, name: 'b', sql: 'y' }])).toThrow(/twice/);
    expect(() => sortMigrations([{ id: 0, name: 'a', sql: 'x' }])).toThrow(/positive/);
  });
  it('accepts only plain lower-case identifiers', () => {
    expect(quoteSchema('timeline')).toBe('"timeline"');
    expect(() => quoteSchema('Timeline')).toThrow();
    expect(() => quoteSchema('a"; drop')).toThrow();
  });
});

describe('ChainVerifier', () => {
  const recordedAt = '2024-05-01T00:00:00.000Z';
  function chain(streamId: string, n: number): ChainRow[] {
    const rows: ChainRow[] = [];
    let prev = GENESIS_HASH;
    for (let p = 1; p <= n; p++) {
      const f = { eventId: `id-${streamId}-${p}`, streamId, streamPosition: p, type: 'T', schemaVersion: 1, data: { p }, metadata: {}, recordedAt };
      const hash = chainHash(prev, f);
      rows.push({ ...f, prevHash: prev, hash, headPosition: n, headHash: null });
      prev = hash;
    }
    return rows.map((r) => ({ ...r, headHash: prev }));
  }
  const run = (rows: ChainRow[]) => {
    const v = new ChainVerifier();
    rows.forEach((r) => v.push(r));
    v.finish();
    return v;
  };

  it('accepts intact chains', () => {
    const v = run([...chain('a', 3), ...chain('b', 2)]);
    expect(v.problems).toEqual([]);
    expect([v.streams, v.events]).toEqual([2, 5]);
  });
  it('names the first bad position of each broken stream', () => {
    const a = chain('a', 4);
    a[1] = { ...a[1], data: { p: 99 } };
    const b = chain('b', 3).filter((r) => r.streamPosition !== 2);
    const c = chain('c', 3).slice(0, 2);
    const v = run([...a, ...b, ...c]);
    expect(v.problems.map((p) => [p.streamId, p.streamPosition, p.kind])).toEqual([
      ['a', 2, 'hash_mismatch'],
      ['b', 2, 'position_gap'],
      ['c', 3, 'head_mismatch'],
    ]);
  });
  it('flags events without a head', () => {
    const v = run(chain('a', 1).map((r) => ({ ...r, headPosition: null, headHash: null })));
    expect(v.problems[0]).toMatchObject({ streamId: 'a', kind: 'missing_head' });
  });
});

describe('errorResponse', () => {
  it('builds a protocol ErrorResponse', () => {
    const m = Buffer.from(errorResponse('55P03', 'busy'));
    expect(String.fromCharCode(m[0])).toBe('E');
    expect(m.readInt32BE(1)).toBe(m.length - 1);
    expect(m.toString('utf8')).toContain('C55P03\0Mbusy\0');
  });
});
