/**
 * Examples of the query API's answers for the OpenAPI document (/docs).
 * Invented values in the real shapes (ids are uuids, days YYYY-MM-DD,
 * positions decimal strings).
 */

export const STORY_EXAMPLE = {
  storyId: '3f1c2a9e-5b7d-5c1e-9a44-0c1d2e3f4a5b',
  title: 'Ministry denies report of arms sale',
  itemCount: 3,
  statementCount: 14,
  firstSaid: '2024-03-02',
  lastSaid: '2024-03-05',
  updatedAt: '2024-03-05T09:12:44.120Z',
  lastGlobalPosition: '4812',
};

export const LINE_EXAMPLE = {
  statementId: '8a0e5d7c-2f41-5b6a-8c1d-4e2f3a4b5c6d',
  storyId: STORY_EXAMPLE.storyId,
  itemUri: 'urn:newsml:example.com:20240305:arms-sale',
  itemVersion: 2,
  source: { name: 'Maria Example', type: 'person', role: 'ministry spokeswoman', speakerId: 'c4b3a291-7e6f-5d4c-8b3a-29187e6f5d4c' },
  cue: 'said',
  content: 'the ministry has never sold weapons to the group',
  kind: 'indirect',
  medium: 'briefing',
  via: ['Example News Agency'],
  saidAt: { from: '2024-03-04', to: '2024-03-04' },
  mentions: [{ itemUri: 'urn:newsml:example.com:20240305:arms-sale', itemVersion: 2, start: 412, end: 497 }],
  relations: [{ type: 'contradicts', target: '1d2e3f4a-5b6c-5d7e-8f90-a1b2c3d4e5f6' }],
  extractor: { name: 'timeline-rules', version: '0.3.0' },
  status: 'active',
  itemDay: '2024-03-05',
  firstRecordedAt: '2024-03-05T08:01:02.003Z',
  recordedAt: '2024-03-05T09:12:44.120Z',
  eventIds: ['5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b'],
  incoming: [{ type: 'responds_to', source: '9f8e7d6c-5b4a-5392-8170-6f5e4d3c2b1a' }],
};

export const TIMELINE_EXAMPLE = {
  missingEvents: [],
  story: STORY_EXAMPLE,
  statements: [LINE_EXAMPLE],
  reflects: { mode: 'live', orderedBy: 'saidAt', globalPosition: '4812', recordedAt: '2024-03-05T09:12:44.120Z' },
  nextCursor: 'eyJjIjoidGltZWxpbmUiLCJ2Ijp7Im…',
};

export const STORIES_EXAMPLE = { stories: [STORY_EXAMPLE], nextCursor: null };

export const SPEAKER_EXAMPLE = { speakerId: LINE_EXAMPLE.source.speakerId, name: 'Maria Example', statementCount: 7, storyCount: 2 };

export const SPEAKERS_EXAMPLE = { speakers: [SPEAKER_EXAMPLE], nextCursor: null };

export const SPEAKER_STATEMENTS_EXAMPLE = { speaker: SPEAKER_EXAMPLE, statements: [LINE_EXAMPLE], nextCursor: null };

export const STATEMENT_EXAMPLE = {
  statement: (({ incoming: _incoming, ...s }) => s)(LINE_EXAMPLE),
  items: [
    {
      uri: LINE_EXAMPLE.itemUri,
      version: 2,
      headline: 'Ministry denies report of arms sale',
      bodyText: '… (the cleaned item text; statement.mentions[i].start/end are UTF-16 offsets into it, end exclusive) …',
    },
  ],
};

export const CONTRADICTIONS_EXAMPLE = {
  pairs: [{ relation: 'contradicts', from: LINE_EXAMPLE, to: { ...LINE_EXAMPLE, statementId: '1d2e3f4a-5b6c-5d7e-8f90-a1b2c3d4e5f6', relations: [] } }],
};

/** A 400 of the query API. */
export const BAD_REQUEST_EXAMPLE = { statusCode: 400, message: 'limit must be a whole number from 1 to 1000, got "0"', field: 'limit' };

/** OpenAPI description of the query API's 400 (ApiBadRequestResponse): `{ statusCode: 400, message, field }` (query-params badParam). */
export const BAD_REQUEST_RESPONSE = { description: '`{ statusCode: 400, message, field }`, field naming the bad parameter', schema: { example: BAD_REQUEST_EXAMPLE } };
