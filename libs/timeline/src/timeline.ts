import type {
  DayRange, ExtractorRef, Medium, PubStatus, Relation, Source, StatementKind, StoredEvent, TimelineEvent,
} from '@timeline/events';

/**
 * The story timeline read model and the one `evolve` that builds it. The
 * projector folds the live log with it; audit replay folds a prefix of the
 * log with it; so a replay is the same computation as the live read model
 * (DESIGN.md, "Shape").
 */

/** The latest known version of one wire item in the story. */
export interface TimelineItem {
  uri: string;
  version: number;
  pubstatus: PubStatus;
  headline: string;
  firstcreated: string;
  versioncreated: string;
  ednote: string | null;
  /** Event id of the WireItemRecorded that made this the current version. */
  eventId: string;
  /** Versions that arrived after a higher one: recorded, changing nothing. */
  lateVersions: number[];
}

/**
 * active: on the timeline; superseded: replaced by a later item version;
 * withdrawn: the item was killed or withheld; retracted: a re-extraction of
 * its item version no longer finds it (StatementRetracted).
 */
export type StatementStatus = 'active' | 'superseded' | 'withdrawn' | 'retracted';

export interface TimelineMention {
  itemUri: string;
  itemVersion: number;
  start: number;
  end: number;
}

export interface TimelineStatement {
  statementId: string;
  storyId: string;
  itemUri: string;
  itemVersion: number;
  source: Source;
  cue: string;
  content: string;
  kind: StatementKind;
  medium: Medium | null;
  via: string[];
  saidAt: DayRange | null;
  mentions: TimelineMention[];
  relations: Relation[];
  extractor: ExtractorRef;
  status: StatementStatus;
  /** Day the item was first created (YYYY-MM-DD), the fallback ordering key when said_at is unknown. */
  itemDay: string;
  /** recorded_at of the first and of the latest event that touched this statement. */
  firstRecordedAt: string;
  recordedAt: string;
  /** Every event that touched the statement, oldest first (its history). */
  eventIds: string[];
}

export interface StoryTimeline {
  storyId: string;
  title: string;
  items: Record<string, TimelineItem>;
  statements: Record<string, TimelineStatement>;
  /** Number of events folded. */
  eventCount: number;
  /** Global position and recorded_at of the last event folded ('0' / null when empty). */
  lastGlobalPosition: string;
  lastRecordedAt: string | null;
  /**
   * Set on a story that was merged into another (StoriesMerged, applied by
   * evolveStories): the survivor's id at the time of the merge (follow it
   * with resolveStory: the survivor may have been merged on since). Its items
   * and statements then live in the survivor's state. Never overwritten
   * once set. Absent on stories never merged.
   */
  mergedInto?: string;
  /** On a survivor: the merges it absorbed, oldest first (absent when none). */
  merges?: StoryMergeRecord[];
}

/** One merge a survivor absorbed (its StoriesMerged event). */
export interface StoryMergeRecord {
  mergedStoryIds: string[];
  eventId: string;
  itemUri: string;
  recordedAt: string;
}

/**
 * Per-item index of statement ids, kept beside a state (never serialized:
 * a state loaded from JSON gets it rebuilt on first use, in one pass). It
 * keeps `evolve` linear: an item version touches its own statements only,
 * instead of scanning the whole story (10,000 events replayed in ms, not s).
 * Rebuilt when `state.statements` is replaced by another object.
 */
const ITEM_INDEX = new WeakMap<StoryTimeline, { statements: StoryTimeline['statements']; byItem: Map<string, string[]> }>();

function statementsOfItem(state: StoryTimeline, uri: string): string[] {
  let idx = ITEM_INDEX.get(state);
  if (!idx || idx.statements !== state.statements) {
    const byItem = new Map<string, string[]>();
    for (const s of Object.values(state.statements)) {
      const list = byItem.get(s.itemUri);
      if (list) list.push(s.statementId);
      else byItem.set(s.itemUri, [s.statementId]);
    }
    idx = { statements: state.statements, byItem };
    ITEM_INDEX.set(state, idx);
  }
  let list = idx.byItem.get(uri);
  if (!list) {
    list = [];
    idx.byItem.set(uri, list);
  }
  return list;
}

/** The empty timeline of a story. */
export function initialState(storyId: string): StoryTimeline {
  return { storyId, title: '', items: {}, statements: {}, eventCount: 0, lastGlobalPosition: '0', lastRecordedAt: null };
}

/**
 * Fold one stored event into a story timeline.
 *
 * Rules (issue "wire feeds", DESIGN.md vocabulary):
 * - a higher item version supersedes the earlier one: the earlier version's
 *   statements become `superseded` until the new version records them again
 *   (same statementId: unchanged statements keep their identity);
 * - a version with pubstatus `canceled` (a kill) or `withheld` withdraws all
 *   the item's statements; the history stays;
 * - an equal or lower version arriving late is recorded in `lateVersions`
 *   and changes nothing.
 *
 * Deterministic: no clock, no I/O; times come from the event. For speed it
 * updates `state` in place and returns it: callers hand over ownership and
 * must not keep using the old reference (clone first if they need both).
 */
export function evolve(state: StoryTimeline, event: StoredEvent): StoryTimeline {
  const e = event as StoredEvent<TimelineEvent>;
  state.eventCount += 1;
  state.lastGlobalPosition = e.globalPosition;
  state.lastRecordedAt = e.recordedAt;
  switch (e.type) {
    case 'WireItemRecorded': {
      const { item } = e.data;
      const current = state.items[item.uri];
      // The opener's title (storyTitle, set only on the item that opened the story) wins whatever
      // the append order: a redelivered opener can land after a later item of its story, and the
      // title must not depend on that (the fault suite found titles differing between runs).
      if (e.data.storyTitle) state.title = e.data.storyTitle;
      else if (!state.title) state.title = item.headline;
      if (current && item.version <= current.version) {
        current.lateVersions.push(item.version);
        return state;
      }
      state.items[item.uri] = {
        uri: item.uri,
        version: item.version,
        pubstatus: item.pubstatus,
        headline: item.headline,
        firstcreated: item.firstcreated,
        versioncreated: item.versioncreated,
        ednote: item.ednote,
        eventId: e.eventId,
        lateVersions: current?.lateVersions ?? [],
      };
      const next: StatementStatus = item.pubstatus === 'usable' ? 'superseded' : 'withdrawn';
      for (const id of statementsOfItem(state, item.uri)) {
        const s = state.statements[id];
        if (s.itemVersion >= item.version || s.status === next) continue;
        s.status = next;
        s.recordedAt = e.recordedAt;
        s.eventIds.push(e.eventId);
      }
      return state;
    }
    case 'StatementRecorded': {
      const d = e.data;
      const item = state.items[d.itemUri];
      const isCurrent = !item || d.itemVersion >= item.version;
      const existing = state.statements[d.statementId];
      if (existing && !isCurrent) {
        existing.eventIds.push(e.eventId);
        return state;
      }
      const status: StatementStatus = !isCurrent ? 'superseded' : item && item.pubstatus !== 'usable' ? 'withdrawn' : 'active';
      if (!existing) statementsOfItem(state, d.itemUri).push(d.statementId);
      state.statements[d.statementId] = {
        statementId: d.statementId,
        // the state's story, not the event's: an event routed to a survivor after a merge lands on the survivor
        storyId: state.storyId,
        itemUri: d.itemUri,
        itemVersion: d.itemVersion,
        source: d.source,
        cue: d.cue,
        content: d.content,
        kind: d.kind,
        medium: d.medium,
        via: d.via,
        saidAt: d.saidAt,
        mentions: d.mentions.map((m) => ({ itemUri: d.itemUri, itemVersion: d.itemVersion, start: m.start, end: m.end })),
        relations: d.relations,
        extractor: d.extractor,
        status,
        itemDay: (item?.firstcreated ?? e.recordedAt).slice(0, 10),
        firstRecordedAt: existing?.firstRecordedAt ?? e.recordedAt,
        recordedAt: e.recordedAt,
        eventIds: [...(existing?.eventIds ?? []), e.eventId],
      };
      return state;
    }
    case 'StatementRetracted': {
      // Only the item version it was found in: a statement recorded again by a
      // newer version (or already gone with a kill) is not this event's business.
      const d = e.data;
      const s = state.statements[d.statementId];
      if (!s || s.itemUri !== d.itemUri || s.itemVersion !== d.itemVersion) return state;
      if (s.status === 'active') s.status = 'retracted';
      s.recordedAt = e.recordedAt;
      s.eventIds.push(e.eventId);
      return state;
    }
    case 'StoriesMerged':
      // Counted on the stream's own story (eventCount, positions above) and
      // nothing else: a merge changes SEVERAL stories, so evolveStories,
      // which holds all their states, applies it (resolving each named id
      // to its current survivor first).
      return state;
    default: {
      const unreachable: never = e;
      throw new Error(`evolve: unknown event type ${(unreachable as { type: string }).type}`);
    }
  }
}

/**
 * Move a merged story's items and statements into the survivor (the
 * StoriesMerged event `e`): each absorbed statement takes the survivor's
 * story id and the merge event in its history (eventIds, recordedAt); an
 * item uri both hold (two ingest processes raced) keeps the higher version.
 * The merged state is left empty with `mergedInto` set (an existing
 * `mergedInto` is never overwritten: a story is merged once). Both states
 * are updated in place. Callers pass two different survivors of their
 * chains (evolveStories resolves them); the same state twice moves nothing.
 * @returns the ids of the statements now on the survivor.
 */
export function absorbStory(survivor: StoryTimeline, merged: StoryTimeline, e: Pick<StoredEvent, 'eventId' | 'recordedAt'>): string[] {
  const moved: string[] = [];
  if (survivor === merged || survivor.storyId === merged.storyId) return moved;
  for (const [uri, it] of Object.entries(merged.items)) {
    const cur = survivor.items[uri];
    if (!cur || cur.version < it.version) survivor.items[uri] = it;
  }
  for (const [id, st] of Object.entries(merged.statements)) {
    const cur = survivor.statements[id];
    if (cur && cur.itemVersion >= st.itemVersion) continue;
    if (!cur) statementsOfItem(survivor, st.itemUri).push(id);
    survivor.statements[id] = { ...st, storyId: survivor.storyId, recordedAt: e.recordedAt, eventIds: [...st.eventIds, e.eventId] };
    moved.push(id);
  }
  if (!survivor.title) survivor.title = merged.title;
  merged.items = {};
  merged.statements = {};
  merged.mergedInto ??= survivor.storyId;
  return moved;
}

/**
 * Longest merge chain (story -> its survivor -> that one's survivor ...)
 * followed anywhere: resolveStory, the read model's `mergedInto`, the
 * audit's family reads. evolveStories never makes a cycle, so the bound
 * only guards against a corrupt stored state.
 */
export const MAX_MERGE_HOPS = 64;

/**
 * The story an event of `storyId` folds into: itself, or the survivor it was
 * merged into, followed through later merges (at most MAX_MERGE_HOPS; a
 * chain that comes back to `storyId` ends before it).
 */
export function resolveStory(states: ReadonlyMap<string, StoryTimeline>, storyId: string): string {
  let id = storyId;
  for (let hops = 0; hops < MAX_MERGE_HOPS; hops++) {
    const next = states.get(id)?.mergedInto;
    if (!next || next === id || next === storyId) return id;
    id = next;
  }
  return id;
}

/** What evolveStories changed. */
export interface StoriesFold {
  /** The story the event was folded into (the survivor for a routed event or a merge). */
  storyId: string;
  /** Statements (of `storyId`) the event may have changed, absorbed ones included. */
  touched: string[];
  /** Every story whose state changed (the target, merged stories, the stream's own story of a routed event). */
  stories: string[];
  /**
   * For a StoriesMerged on a survivor's stream: the stories it actually
   * absorbed into `storyId` (the named ids resolved to their survivors,
   * without `storyId` itself and without repeats; [] for a merge already
   * done). Absent for other events.
   */
  merged?: string[];
}

/**
 * Fold one event into a SET of story states (missing ones start empty),
 * with `evolve`: the one fold the projector, a rebuild, an as-of replay of a
 * merge family, diffs, histories and reextract share. Beyond `evolve`:
 * - a StoriesMerged on the survivor's stream merges stories. Every id it
 *   names is first resolved to its current survivor (resolveStory), since
 *   ingest may have decided from an index that had not seen an earlier
 *   merge: the named survivor's survivor absorbs (absorbStory) each merged
 *   id's survivor, skipping those that already end at the same survivor (a
 *   merge already done, or the reverse of one: never a self-merge, never a
 *   cycle). The absorbing and absorbed states take the event's position
 *   (their content changed). The markers on the merged streams (same
 *   message, after it) are only counted on their own story;
 * - any other event of a story already merged is folded into its survivor
 *   (an item of the merged story that another ingest process assigned
 *   before it learned of the merge); it is still counted in its own
 *   story's `eventCount` (events of that story's stream folded).
 * Deterministic; states are updated in place.
 */
export function evolveStories(states: Map<string, StoryTimeline>, event: StoredEvent): StoriesFold {
  const e = event as StoredEvent<TimelineEvent>;
  const own = e.data.storyId;
  const get = (id: string): StoryTimeline => {
    let s = states.get(id);
    if (!s) states.set(id, (s = initialState(id)));
    return s;
  };
  if (e.type === 'StoriesMerged') {
    evolve(get(own), e);
    if (e.data.survivorStoryId !== own) return { storyId: own, touched: [], stories: [own] };
    const target = resolveStory(states, own);
    const survivor = get(target);
    const merged: string[] = [];
    const touched: string[] = [];
    for (const m of e.data.mergedStoryIds) {
      const root = resolveStory(states, m);
      if (root === target || merged.includes(root)) continue;
      const ms = get(root);
      touched.push(...absorbStory(survivor, ms, e));
      ms.lastGlobalPosition = e.globalPosition;
      ms.lastRecordedAt = e.recordedAt;
      merged.push(root);
    }
    if (merged.length) {
      (survivor.merges ??= []).push({ mergedStoryIds: merged, eventId: e.eventId, itemUri: e.data.itemUri, recordedAt: e.recordedAt });
      survivor.lastGlobalPosition = e.globalPosition;
      survivor.lastRecordedAt = e.recordedAt;
    }
    return { storyId: target, touched, stories: [...new Set([own, target, ...merged])], merged };
  }
  const target = resolveStory(states, own);
  const state = get(target);
  evolve(state, e);
  const touched = touchedStatements(state, e);
  const stories = [target];
  if (target !== own) {
    state.eventCount -= 1;
    get(own).eventCount += 1;
    stories.push(own);
  }
  return { storyId: target, touched, stories };
}

/** Ids of the statements an event may have changed (for the projector's row upserts). */
export function touchedStatements(state: StoryTimeline, event: StoredEvent): string[] {
  const e = event as StoredEvent<TimelineEvent>;
  if (e.type === 'StatementRecorded' || e.type === 'StatementRetracted') return [e.data.statementId];
  if (e.type === 'WireItemRecorded') return [...statementsOfItem(state, e.data.item.uri)];
  return [];
}

/** One line of the timeline as shown to users: the statement plus the relations pointing at it. */
export interface TimelineEntry extends TimelineStatement {
  /** Relations from other statements of the story to this one. */
  incoming: Array<{ type: Relation['type']; source: string }>;
}

/** Sort key of a statement: said_at start, else its end, else the item's day. */
export function saidAtSortKey(s: Pick<TimelineStatement, 'saidAt' | 'itemDay'>): string {
  return s.saidAt?.from ?? s.saidAt?.to ?? s.itemDay;
}

/**
 * The active statements of a story in the order they were made (said_at,
 * valid time), with incoming relations; ties keep the order of the item's
 * first creation and the position in the text.
 */
export function timelineEntries(state: StoryTimeline): TimelineEntry[] {
  return withIncoming(Object.values(state.statements).filter((s) => s.status === 'active'));
}

/**
 * Sort statements into timeline order and attach to each the relations
 * pointing at it (listed in timeline order too). The live read model's
 * queries and audit replay both build their lines with this, so the two
 * answers are the same computation.
 */
export function withIncoming(statements: TimelineStatement[]): TimelineEntry[] {
  const ordered = timelineOrder(statements);
  const incoming = incomingRelations(ordered);
  const out = new Array<TimelineEntry>(ordered.length);
  for (let i = 0; i < ordered.length; i++) {
    const s = ordered[i];
    out[i] = { ...s, incoming: incoming.get(s.statementId) ?? [] };
  }
  return out;
}

/**
 * Statements in timeline order (compareStatements), as a new array; the
 * statements themselves are not copied. Sort keys are computed once per
 * statement, not once per comparison.
 */
export function timelineOrder<S extends TimelineStatement>(statements: readonly S[]): S[] {
  const keyed = statements.map((s) => ({ s, k: saidAtSortKey(s) }));
  keyed.sort((a, b) => (a.k !== b.k ? (a.k < b.k ? -1 : 1) : compareStatements(a.s, b.s)));
  const out = new Array<S>(keyed.length);
  for (let i = 0; i < keyed.length; i++) out[i] = keyed[i].s;
  return out;
}

/**
 * The relations pointing at each statement, keyed by target statement id,
 * each list in the order of `ordered` (timeline order, as withIncoming lists
 * `incoming`). Targets outside `ordered` are keys too (callers look up the
 * statements they show).
 */
export function incomingRelations(ordered: readonly TimelineStatement[]): Map<string, TimelineEntry['incoming']> {
  const incoming = new Map<string, TimelineEntry['incoming']>();
  for (const s of ordered) {
    for (const r of s.relations) {
      const list = incoming.get(r.target);
      if (list) list.push({ type: r.type, source: s.statementId });
      else incoming.set(r.target, [{ type: r.type, source: s.statementId }]);
    }
  }
  return incoming;
}

/** Total order of statements on a timeline (said_at, item day, item uri, first mention offset, id). */
export function compareStatements(a: TimelineStatement, b: TimelineStatement): number {
  const ka = saidAtSortKey(a);
  const kb = saidAtSortKey(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  if (a.itemDay !== b.itemDay) return a.itemDay < b.itemDay ? -1 : 1;
  if (a.itemUri !== b.itemUri) return a.itemUri < b.itemUri ? -1 : 1;
  const ma = a.mentions[0]?.start ?? 0;
  const mb = b.mentions[0]?.start ?? 0;
  if (ma !== mb) return ma - mb;
  return a.statementId < b.statementId ? -1 : a.statementId > b.statementId ? 1 : 0;
}
