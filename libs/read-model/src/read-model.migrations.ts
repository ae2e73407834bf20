import type { Migration } from '@timeline/event-log';

/**
 * Tables of the story timeline read model (ids 100+; the log uses 1-99).
 * Everything here is derived: a rebuild may drop and refill it from the log.
 *
 * - `rm_stories`: one row per story (title, counts, story signature for clustering).
 * - `rm_story_states`: the folded StoryTimeline per story, so the projector
 *   resumes without re-reading the log.
 * - `rm_items` / `rm_item_versions`: current version per item uri, and every
 *   version's text (provenance: the text a statement's offsets point into).
 * - `rm_statements`: one row per statement with its timeline document.
 * - `rm_generations` (101): generations of the read model. A rebuild fills
 *   `rm_*_g<n>` tables beside the serving ones, then swaps the names in one
 *   transaction (timeline.rebuild.ts); the serving tables always carry the
 *   plain names, so queries and the projector need no pointer lookup.
 * - 110: an index for GET /stories (updated_at desc, story_id: its order and
 *   keyset cursor). Rebuild generations copy it (LIKE ... INCLUDING ALL).
 * - 111: `rm_stories.merged_into`: set on a story merged into another
 *   (StoriesMerged); such a story is left out of GET /stories and its id
 *   answers with the survivor's.
 */
export const READ_MODEL_MIGRATIONS: readonly Migration[] = [
  {
    id: 100,
    name: 'read model: stories, items, statements',
    sql: `
CREATE TABLE rm_stories (
  story_id             uuid PRIMARY KEY,
  title                text NOT NULL,
  item_count           int  NOT NULL DEFAULT 0,
  statement_count      int  NOT NULL DEFAULT 0,
  first_said           text,
  last_said            text,
  updated_at           timestamptz,
  last_global_position bigint NOT NULL DEFAULT 0,
  signature            jsonb
);
CREATE TABLE rm_story_states (
  story_id uuid PRIMARY KEY,
  state    jsonb NOT NULL
);
CREATE TABLE rm_items (
  uri            text PRIMARY KEY,
  story_id       uuid NOT NULL,
  version        int  NOT NULL,
  pubstatus      text NOT NULL,
  headline       text NOT NULL,
  firstcreated   timestamptz NOT NULL,
  versioncreated timestamptz NOT NULL,
  ednote         text
);
CREATE TABLE rm_item_versions (
  uri       text NOT NULL,
  version   int  NOT NULL,
  story_id  uuid NOT NULL,
  event_id  uuid NOT NULL,
  headline  text NOT NULL,
  body_text text NOT NULL,
  PRIMARY KEY (uri, version)
);
CREATE TABLE rm_statements (
  statement_id uuid PRIMARY KEY,
  story_id     uuid NOT NULL,
  status       text NOT NULL,
  sort_key     text NOT NULL,
  speaker      text NOT NULL,
  speaker_id   uuid NOT NULL,
  doc          jsonb NOT NULL
);
CREATE INDEX rm_statements_story ON rm_statements (story_id, sort_key);
CREATE INDEX rm_statements_speaker ON rm_statements (speaker_id);
`,
  },
  {
    id: 101,
    name: 'read model: generations (rebuild without downtime)',
    sql: `
CREATE TABLE rm_generations (
  projection   text        NOT NULL,
  generation   int         NOT NULL,
  status       text        NOT NULL CHECK (status IN ('building', 'active', 'retired', 'failed')),
  started_at   timestamptz NOT NULL DEFAULT now(),
  activated_at timestamptz,
  events       bigint      NOT NULL DEFAULT 0,
  PRIMARY KEY (projection, generation)
);
CREATE UNIQUE INDEX rm_generations_one_active ON rm_generations (projection) WHERE status = 'active';
INSERT INTO rm_generations (projection, generation, status, activated_at) VALUES ('timeline', 1, 'active', now());
`,
  },
  {
    id: 110,
    name: 'read model: index of the stories listing (GET /stories order and cursor)',
    sql: `CREATE INDEX rm_stories_updated ON rm_stories (updated_at DESC NULLS LAST, story_id);`,
  },
  {
    id: 111,
    name: 'read model: merged stories point at their survivor',
    sql: `ALTER TABLE rm_stories ADD COLUMN merged_into uuid;`,
  },
];
