import * as crypto from 'node:crypto';

/**
 * sha256 hex of `text` (UTF-8): crypto.hash, the one-shot form (Node >= 20.12;
 * ~30 % less CPU than createHash().update().digest() for an event's size),
 * else createHash.
 */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace,
 * `undefined` members dropped. Postgres `jsonb` reorders keys, so hashing must
 * not depend on key order (in the spirit of RFC 8785, JSON Canonicalization
 * Scheme, without its number reformatting: our events hold only integers).
 *
 * Written with string concatenation and no intermediate arrays, keys sorted
 * only when they are not in order already, member names quoted once: it
 * runs for every appended event (the chain hash), and was the append path's
 * top client-side cost in its CPU profile (BENCHMARKS.md, append).
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') {
    if (value === undefined) return 'null';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += canonicalJson(value[i]);
    }
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) {
      sorted = false;
      break;
    }
  }
  if (!sorted) keys.sort();
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const v = obj[k];
    if (v === undefined) continue;
    let quoted = QUOTED_KEYS.get(k);
    if (quoted === undefined) {
      quoted = JSON.stringify(k) + ':';
      if (QUOTED_KEYS.size < MAX_QUOTED_KEYS) QUOTED_KEYS.set(k, quoted);
    }
    out += (first ? quoted : ',' + quoted) + canonicalJson(v);
    first = false;
  }
  return out + '}';
}

/** `"key":` of the member names seen (events reuse a few dozen), bounded. */
const QUOTED_KEYS = new Map<string, string>();
const MAX_QUOTED_KEYS = 10_000;

/** Hash of the empty chain: the prevHash of a stream's first event (64 zeros). */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of a stored event that its chain hash covers. */
export interface HashedFields {
  eventId: string;
  streamId: string;
  streamPosition: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
  recordedAt: string;
}

/**
 * Chain hash of one event: sha256(prevHash || canonicalJson(fields)), hex
 * (DESIGN.md decision 6). Global position and transaction id are not covered:
 * they are assigned by Postgres after the hash is computed.
 */
export function chainHash(prevHash: string, e: HashedFields): string {
  const body = canonicalJson({
    eventId: e.eventId,
    streamId: e.streamId,
    streamPosition: e.streamPosition,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: e.data,
    metadata: e.metadata,
    recordedAt: e.recordedAt,
  });
  return sha256Hex(prevHash + body);
}

/**
 * {@link chainHash} from the canonical JSON of `data` and `metadata` made by
 * the caller (`canonicalJson(data)`, `canonicalJson(metadata)`, both
 * defined), so a caller that also needs that text builds it once (the
 * append sends the same text as the stored jsonb). Same result as
 * chainHash for the same fields: the body is assembled in canonical key
 * order (data, eventId, metadata, recordedAt, schemaVersion, streamId,
 * streamPosition, type).
 */
export function chainHashOfCanonical(
  prevHash: string,
  e: Omit<HashedFields, 'data' | 'metadata'>,
  dataJson: string,
  metadataJson: string,
): string {
  const body =
    `{"data":${dataJson},"eventId":${JSON.stringify(e.eventId)},"metadata":${metadataJson},"recordedAt":${JSON.stringify(e.recordedAt)},` +
    `"schemaVersion":${JSON.stringify(e.schemaVersion)},"streamId":${JSON.stringify(e.streamId)},"streamPosition":${JSON.stringify(e.streamPosition)},"type":${JSON.stringify(e.type)}}`;
  return sha256Hex(prevHash + body);
}

/** sha256 hex of the canonical JSON of a value. */
export function sha256Canonical(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
