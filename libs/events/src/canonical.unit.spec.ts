import { createHash } from 'node:crypto';
import { canonicalJson, chainHash, chainHashOfCanonical, GENESIS_HASH, sha256Canonical } from './canonical';

/** The first implementation (arrays + join), kept as the reference the fast one must equal byte for byte. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (value === undefined) return 'null';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return '[' + value.map(reference).join(',') + ']';
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + reference(obj[k])).join(',') + '}';
}

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined, x: 'é' }], c: null }, B: 'x', é: true, e: undefined })).toBe(
      '{"B":"x","a":{"c":null,"d":[3,{"x":"é","z":1}]},"b":1,"é":true}',
    );
  });

  it('writes undefined as null at the top and inside arrays, and escapes strings as JSON.stringify does', () => {
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson([undefined, 'a"\\\n\u2028', 0, false])).toBe('[null,"a\\"\\\\\\n\u2028",0,false]');
  });

  it('equals the reference implementation on a nested, event-like value, whatever the key order', () => {
    const value = {
      eventId: '0b8f3c1e-4c8e-4a53-9a55-6c1b2c1d8e01',
      data: { statement: { content: 'We will "not" go', source: { name: 'A. Person', role: 'minister', aliases: [] }, relations: [{ kind: 'contradicts', target: 'x' }] }, n: 12 },
      metadata: { correlationId: 'c', causationId: undefined },
      empty: {},
    };
    const reordered = { metadata: value.metadata, empty: {}, data: { n: 12, statement: value.data.statement }, eventId: value.eventId };
    expect(canonicalJson(value)).toBe(reference(value));
    expect(canonicalJson(reordered)).toBe(canonicalJson(value));
  });

  it('chain hash is stable for the same fields in another key order', () => {
    const fields = { eventId: 'e', streamId: 's', streamPosition: 1, type: 'T', schemaVersion: 1, data: { a: 1, b: [1, 2] }, metadata: {}, recordedAt: '2026-01-01T00:00:00.000Z' };
    const again = { ...fields, data: { b: [1, 2], a: 1 } };
    expect(chainHash(GENESIS_HASH, again)).toBe(chainHash(GENESIS_HASH, fields));
    expect(chainHash(GENESIS_HASH, fields)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('chainHashOfCanonical equals chainHash (the append builds data and metadata text once)', () => {
    const fields = {
      eventId: '0b8f3c1e-4c8e-4a53-9a55-6c1b2c1d8e01', streamId: 'story-é"1', streamPosition: 12, type: 'StatementRecorded', schemaVersion: 2,
      data: { z: [1, { b: 'x\n"', a: null }], a: 'é' }, metadata: { correlationId: 'c', causationId: undefined }, recordedAt: '2026-01-01T00:00:00.000Z',
    };
    const { data, metadata, ...rest } = fields;
    const prev = 'ab'.repeat(32);
    expect(chainHashOfCanonical(prev, rest, canonicalJson(data), canonicalJson(metadata))).toBe(chainHash(prev, fields));
    expect(chainHashOfCanonical(GENESIS_HASH, { ...rest, streamPosition: 1 }, '{}', '{}')).toBe(chainHash(GENESIS_HASH, { ...fields, streamPosition: 1, data: {}, metadata: {} }));
  });

  it('chain hash = sha256 hex of prevHash followed by the canonical JSON (the stored chain format, whatever hashing API computes it)', () => {
    const fields = { eventId: 'e', streamId: 's', streamPosition: 1, type: 'T', schemaVersion: 1, data: { b: 'é', a: 1 }, metadata: {}, recordedAt: '2026-01-01T00:00:00.000Z' };
    const prev = 'cd'.repeat(32);
    expect(chainHash(prev, fields)).toBe(createHash('sha256').update(prev).update(canonicalJson(fields)).digest('hex'));
    expect(sha256Canonical(fields.data)).toBe(createHash('sha256').update('{"a":1,"b":"é"}').digest('hex'));
  });
});
