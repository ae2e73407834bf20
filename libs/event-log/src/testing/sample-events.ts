import { deterministicId, NewEvent, sha256Canonical, storyStream, WireItemRecorded } from '@timeline/events';

/**
 * A valid WireItemRecorded NewEvent for tests: item `urn:test:<key>` version
 * `version`, in the stream of story `storyKey` (deterministic ids, so the
 * same arguments give the same event id).
 */
export function sampleWireItemEvent(storyKey: string, key: string, version = 1): NewEvent<WireItemRecorded> {
  const storyId = deterministicId('test-story', storyKey);
  const item = {
    uri: `urn:test:${key}`,
    version,
    pubstatus: 'usable' as const,
    firstcreated: '2024-05-01T10:00:00Z',
    versioncreated: '2024-05-01T10:00:00Z',
    headline: `Headline ${key} v${version}`,
    byline: null,
    located: null,
    language: 'en',
    body_text: `Body of ${key}, version ${version}. "Quoted ü words," he said.`,
    ednote: null,
    subject: [],
  };
  return {
    type: 'WireItemRecorded',
    eventId: deterministicId('test-event', storyKey, key, version),
    streamId: storyStream(storyId),
    schemaVersion: 1,
    data: { storyId, item, format: 'ninjs', contentHash: sha256Canonical(item) },
    metadata: { correlationId: `corr-${key}`, causationId: null },
  };
}
