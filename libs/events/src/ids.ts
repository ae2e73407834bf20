import * as crypto from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';

/**
 * Namespace for every deterministic id of this service (UUID v5, RFC 9562 §5.5).
 * Never change it: event ids in existing logs depend on it.
 */
export const TIMELINE_NAMESPACE = '6f1c2b7e-3d4a-5b8c-9e0f-1a2b3c4d5e6f';

const NAMESPACE_BYTES = Buffer.from(TIMELINE_NAMESPACE.replace(/-/g, ''), 'hex');
/** A UTF-16 surrogate without its pair: not encodable as UTF-8 (uuid's v5 throws a URIError on it). */
const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** SHA-1 of the namespace bytes + the UTF-8 name: one-shot `crypto.hash` where Node has it (≥ 20.12), else a Hash object. */
const sha1: (name: string) => Buffer =
  typeof crypto.hash === 'function'
    ? (name) => {
        const b = Buffer.allocUnsafe(16 + Buffer.byteLength(name, 'utf8'));
        NAMESPACE_BYTES.copy(b, 0);
        b.write(name, 16, 'utf8');
        return crypto.hash('sha1', b, 'buffer');
      }
    : (name) => crypto.createHash('sha1').update(NAMESPACE_BYTES).update(name, 'utf8').digest();

/**
 * UUID v5 over the given parts joined by U+001F (unit separator), so no part can forge another.
 * Computed here with node:crypto's SHA-1 (RFC 9562 §5.5: SHA-1 of namespace bytes + UTF-8 name,
 * version 5, variant 10), the same ids as `uuid`'s v5 without its per-call byte copying (ids are
 * minted for every extracted statement and speaker); a name with a lone surrogate goes to `uuid`
 * itself, which throws on it as before.
 */
export function deterministicId(...parts: Array<string | number>): string {
  const name = parts.map(String).join('\u001f');
  if (SURROGATE.test(name) && LONE_SURROGATE.test(name)) return uuidv5(name, TIMELINE_NAMESPACE);
  const h = sha1(name);
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** Event id of the WireItemRecorded event of one item version. */
export const itemEventId = (uri: string, version: number): string => deterministicId('item', uri, version);

/** Event id of a StatementRecorded event: item uri + version + the statement's stable key. */
export const statementEventId = (uri: string, version: number, statementId: string): string =>
  deterministicId('statement', uri, version, statementId);

/**
 * Statement identity: the same speaker saying the same words in the same item
 * keeps its id across versions of that item, so a correction that leaves a
 * statement unchanged does not create a new one.
 * @param contentKey lower-cased content with punctuation and spacing dropped.
 */
export const statementId = (uri: string, speakerKey: string, contentKey: string): string =>
  deterministicId('stmt', uri, speakerKey, contentKey);

/**
 * Event id of a StoriesMerged event on the stream of `streamStoryId`: over
 * the survivor and the (sorted) merged ids, not the triggering item, so the
 * same merge decided twice (a redelivery, a second ingest process) is one
 * event in the log.
 */
export const storiesMergedEventId = (survivorStoryId: string, mergedStoryIds: readonly string[], streamStoryId: string): string =>
  deterministicId('stories-merged', survivorStoryId, [...mergedStoryIds].sort().join(','), streamStoryId);

/** Story id for a new story, derived from the uri of its first item. */
export const storyIdFor = (firstItemUri: string): string => deterministicId('story', firstItemUri);

/** Speaker id: canonical name within a story. */
export const speakerIdFor = (canonicalName: string): string => deterministicId('speaker', canonicalName.toLowerCase());

/** Stream name of a story, message-db style `category-id`. */
export const storyStream = (storyId: string): string => `story-${storyId}`;

/** Normalize text to a comparison key: lower case, letters/digits only, single spaces. */
export function contentKey(text: string): string {
  const lower = text.toLowerCase();
  // ASCII text (most of it): NFKC changes nothing and \p{L}\p{N} are [a-z0-9], which a non-Unicode regex finds faster
  if (!NON_ASCII.test(lower)) return lower.replace(/[^a-z0-9]+/g, ' ').trim();
  return lower
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const NON_ASCII = /[^\x00-\x7f]/;
