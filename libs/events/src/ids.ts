import { v5 as uuidv5 } from 'uuid';

/**
 * Namespace for every deterministic id of this service (UUID v5, RFC 9562 §5.5).
 * Never change it: event ids in existing logs depend on it.
 */
export const TIMELINE_NAMESPACE = '6f1c2b7e-3d4a-5b8c-9e0f-1a2b3c4d5e6f';

/** UUID v5 over the given parts joined by U+001F (unit separator), so no part can forge another. */
export function deterministicId(...parts: Array<string | number>): string {
  return uuidv5(parts.map(String).join('\u001f'), TIMELINE_NAMESPACE);
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
  return text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
