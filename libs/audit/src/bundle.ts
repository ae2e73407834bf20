import { chainHash, EventSchemas, GENESIS_HASH, sha256Canonical, StoredEvent, storyStream, upcast, validateNewEvent } from '@timeline/events';
import { describeBound, ReplayBound } from './bounds';
import { compareGlobalPositions, FamilyReplayResult, linkedFamily, replayFamily, storiesLinkedBy } from './family';
import { prefixLength, replayStory, ReplayResult } from './replay';

/**
 * Audit bundles: a story's events with their chain proofs and a manifest,
 * as NDJSON, checkable offline (no database) by `verifyBundle`.
 *
 * A bundle holds every stream of the story's merge family (readStoryFamily:
 * the story's own stream first, then every story a StoriesMerged links it
 * to), because an as-of timeline of a story that absorbed others is folded
 * from all of their streams (replayFamily); a story never merged is a family
 * of one stream.
 *
 * Line 1 is the manifest; then, stream by stream in the manifest's order,
 * one `event` line per exported event, raw as stored (the chain hash covers
 * the stored schema version and data, so events are NOT upcast in the bundle:
 * the verifier upcasts them on read, like the log does), then one `link` line
 * per later event of that stream that the as-of cut left out (position,
 * prevHash, hash only), ending at the stream's sealed head. The links prove
 * that the exported prefix is the beginning of the chain the log seals today;
 * the bodies of those later events are not in the bundle, so their hashes
 * are taken as given.
 *
 * What it proves: per stream, the events are unaltered and complete from the
 * stream's first event to the cut, and they chain into the sealed head the
 * exporter saw (`streams[].sealedHead`, also in `headsDigest`). An adversary
 * who rewrites the whole bundle consistently produces other `lastHash` /
 * `sealedHead.hash` values: compare them with a copy kept elsewhere (e.g.
 * GET /audit/verify's `headsDigest` recorded earlier). The global positions
 * that order the family's replay across streams are not hashed: the
 * verifier checks that each is a decimal string, that they increase along
 * each stream and that none occurs twice, and that every story a
 * StoriesMerged in the bundle names has its stream in the bundle; the
 * interleaving of the streams within those limits is taken as given.
 *
 * Format versions: 2 (this one: `streams`); 1 (one stream, its fields on
 * the manifest itself) is still verified.
 */

export const BUNDLE_FORMAT = 'statement-timeline-audit-bundle';
export const BUNDLE_FORMAT_VERSION = 2;

/** An event exactly as stored in the log (no upcasting), with its positions and chain hashes. */
export interface RawStoredEvent {
  readonly eventId: string;
  readonly streamId: string;
  readonly streamPosition: number;
  /** decimal string */
  readonly globalPosition: string;
  /** xid8 of the appending transaction, decimal string */
  readonly transactionId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: unknown;
  /** ISO 8601 UTC with milliseconds, exactly as hashed */
  readonly recordedAt: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** One stream of a bundle, as the manifest describes it. */
export interface BundleStream {
  /** The story whose stream it is (`story-<storyId>`). */
  readonly storyId: string;
  readonly streamId: string;
  /** Number of its `event` lines (stream positions 1..events). */
  readonly events: number;
  readonly lastStreamPosition: number;
  readonly lastGlobalPosition: string;
  readonly lastRecordedAt: string | null;
  /** Hash of its last exported event (GENESIS_HASH when none). */
  readonly lastHash: string;
  /** The stream's sealed head when exported (stream_heads). */
  readonly sealedHead: { readonly position: number; readonly hash: string };
}

/** First line of a bundle. */
export interface BundleManifest {
  readonly kind: 'manifest';
  readonly format: typeof BUNDLE_FORMAT;
  readonly formatVersion: number;
  /** The exported story, and its own stream. */
  readonly storyId: string;
  readonly streamId: string;
  /** When the export ran (ISO 8601 UTC; passed in by the caller). */
  readonly exportedAt: string;
  /** The as-of bound of the export: `{ asOf }` (recorded time), `{ position }` or `{}` (everything). */
  readonly requested: { asOf?: string; position?: string };
  /** Number of `event` lines, all streams. */
  readonly events: number;
  /** The latest exported event of the family: its global position ('0' when none) and recorded time. */
  readonly lastGlobalPosition: string;
  readonly lastRecordedAt: string | null;
  /** The family's streams, the story's own first; their lines come in this order. */
  readonly streams: readonly BundleStream[];
  readonly genesisHash: string;
  /** sha256 over every sealed head of the log when exported (VerifyReport.headsDigest), when known. */
  readonly headsDigest: string | null;
  /** Current schema version per event type of the exporting code (older stored versions are upcast on read). */
  readonly schemaVersions: Record<string, number>;
  /**
   * The as-of timeline the exporter computed: number of statements, sha256 of
   * its canonical JSON, and the survivor holding the story's statements when
   * the story had been merged into another by the bound (null otherwise).
   */
  readonly timeline: { readonly statements: number; readonly digest: string; readonly survivor: string | null };
}

/** A format-1 manifest: one stream, described on the manifest itself. */
type ManifestV1 = Omit<BundleManifest, 'streams'> & Omit<BundleStream, 'storyId' | 'streamId' | 'events'>;

export type BundleEventLine = RawStoredEvent & { readonly kind: 'event' };
export interface BundleLinkLine {
  readonly kind: 'link';
  /** The stream it continues (absent in format 1: the bundle's one stream). */
  readonly streamId?: string;
  readonly streamPosition: number;
  readonly globalPosition: string;
  readonly recordedAt: string;
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * A raw stored event as the StoredEvent evolve folds: upcast to the current
 * schema version (UPCASTERS of @timeline/events), then validated.
 * @throws Error naming the stream position when it cannot be upcast or is invalid.
 */
export function readRawEvent(r: RawStoredEvent): StoredEvent {
  try {
    const up = upcast({ type: r.type, schemaVersion: r.schemaVersion, data: r.data });
    const e = validateNewEvent({ eventId: r.eventId, streamId: r.streamId, type: up.type, schemaVersion: up.schemaVersion, data: up.data, metadata: r.metadata });
    return { ...e, streamPosition: r.streamPosition, globalPosition: r.globalPosition, transactionId: r.transactionId, recordedAt: r.recordedAt, hash: r.hash, prevHash: r.prevHash } as StoredEvent;
  } catch (err) {
    throw new Error(`event at stream position ${r.streamPosition} (${r.eventId}) cannot be read: ${(err as Error).message}`);
  }
}

/** sha256 of the canonical JSON of a replayed timeline's entries (what the manifest records). */
export function timelineDigest(r: ReplayResult): string {
  return sha256Canonical(r.entries);
}

/** One stream to export (buildBundle). */
export interface BundleStreamInput {
  readonly storyId: string;
  readonly streamId: string;
  /** The WHOLE stream as stored, in stream-position order (the part after the cut becomes link lines). */
  readonly events: readonly RawStoredEvent[];
  readonly sealedHead: { position: number; hash: string };
}

/** Input of buildBundle. */
export interface BundleInput {
  readonly storyId: string;
  /** The story's merge family (readStoryFamily), the story's own stream first; one stream for a story never merged. */
  readonly streams: readonly BundleStreamInput[];
  readonly headsDigest?: string | null;
  readonly bound: ReplayBound;
  /** ISO 8601 time of the export (the caller's clock). */
  readonly exportedAt: string;
}

/**
 * Build a bundle's lines (NDJSON without newlines): manifest, then per
 * stream its events within the bound (prefixLength, as the as-of replay cuts
 * each stream) and the links to its sealed head. Also returns the replay it
 * recorded (replayFamily of the cut streams the merges within the bound link
 * to the story, linkedFamily: what GET /stories/:id/timeline?asOf|position
 * answers; a stream linked only by a later merge is in the bundle, not in
 * that replay).
 * @throws Error when a stored event cannot be upcast or validated, or when
 *   the first stream is not the story's own.
 */
export function buildBundle(input: BundleInput): { lines: string[]; manifest: BundleManifest; replay: FamilyReplayResult } {
  const own = input.streams[0];
  if (!own || own.storyId !== input.storyId) throw new Error(`buildBundle: the first stream must be story ${input.storyId}'s own`);
  const cut = new Map<string, StoredEvent[]>();
  const streams: BundleStream[] = [];
  let events = 0;
  let last: RawStoredEvent | undefined;
  for (const st of input.streams) {
    const stored = st.events.map(readRawEvent);
    const n = prefixLength(stored, input.bound);
    cut.set(st.storyId, stored.slice(0, n));
    const tail = n > 0 ? st.events[n - 1] : undefined;
    if (tail && (!last || compareGlobalPositions(tail.globalPosition, last.globalPosition) > 0)) last = tail;
    events += n;
    streams.push({
      storyId: st.storyId,
      streamId: st.streamId,
      events: n,
      lastStreamPosition: tail?.streamPosition ?? 0,
      lastGlobalPosition: tail?.globalPosition ?? '0',
      lastRecordedAt: tail?.recordedAt ?? null,
      lastHash: tail?.hash ?? GENESIS_HASH,
      sealedHead: { position: st.sealedHead.position, hash: st.sealedHead.hash },
    });
  }
  const replay = replayFamily(input.storyId, linkedFamily(input.storyId, cut));
  const manifest: BundleManifest = {
    kind: 'manifest',
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    storyId: input.storyId,
    streamId: own.streamId,
    exportedAt: input.exportedAt,
    requested: describeBound(input.bound),
    events,
    lastGlobalPosition: last?.globalPosition ?? '0',
    lastRecordedAt: last?.recordedAt ?? null,
    streams,
    genesisHash: GENESIS_HASH,
    headsDigest: input.headsDigest ?? null,
    schemaVersions: Object.fromEntries(Object.entries(EventSchemas).map(([t, s]) => [t, s.version])),
    timeline: { statements: replay.entries.length, digest: timelineDigest(replay), survivor: replay.survivor },
  };
  const lines = [JSON.stringify(manifest)];
  input.streams.forEach((st, k) => {
    const n = streams[k].events;
    for (let i = 0; i < n; i++) lines.push(JSON.stringify({ kind: 'event', ...st.events[i] }));
    for (let i = n; i < st.events.length; i++) {
      const e = st.events[i];
      const link: BundleLinkLine = { kind: 'link', streamId: st.streamId, streamPosition: e.streamPosition, globalPosition: e.globalPosition, recordedAt: e.recordedAt, prevHash: e.prevHash, hash: e.hash };
      lines.push(JSON.stringify(link));
    }
  });
  return { lines, manifest, replay };
}

/** One problem verifyBundle found; `line` is 1-based (0: not tied to a line). */
export interface BundleProblem {
  readonly line: number;
  readonly streamId?: string;
  readonly streamPosition?: number;
  readonly message: string;
}

/** Result of verifyBundle. */
export interface BundleReport {
  readonly ok: boolean;
  /** The manifest as read (a format-1 manifest with its one stream listed in `streams`). */
  readonly manifest: BundleManifest | null;
  readonly eventsChecked: number;
  readonly linksChecked: number;
  /** Every problem found, first one first (the first bad line / stream position). */
  readonly problems: BundleProblem[];
  /** The as-of timeline reproduced from the bundle's events (null when the events cannot be read). */
  readonly replay: ReplayResult | null;
  /** Digest of the reproduced timeline (compare: manifest.timeline.digest). */
  readonly timelineDigest: string | null;
}

/** The chain check of one stream of a bundle, line by line. */
interface StreamCheck {
  readonly spec: BundleStream;
  readonly events: RawStoredEvent[];
  expected: number;
  prevHash: string;
  links: number;
  broken: boolean;
  /** Global position of its last event or link line read (null before the first). */
  lastGlobal: string | null;
}

/** A manifest as format 2 (`streams`): a format-1 manifest's one stream is described on the manifest itself. */
function manifestStreams(obj: Record<string, unknown>): BundleManifest {
  if (obj.formatVersion !== 1) return obj as unknown as BundleManifest;
  const m = obj as unknown as ManifestV1;
  const own: BundleStream = {
    storyId: m.storyId,
    streamId: m.streamId,
    events: m.events,
    lastStreamPosition: m.lastStreamPosition,
    lastGlobalPosition: m.lastGlobalPosition,
    lastRecordedAt: m.lastRecordedAt,
    lastHash: m.lastHash,
    sealedHead: m.sealedHead,
  };
  return { ...m, streams: [own], timeline: { ...m.timeline, survivor: null } };
}

/**
 * What is wrong with a manifest (as manifestStreams returns it), naming the
 * field: a field verifyBundle or `verify-bundle` reads missing or of the
 * wrong type, a stream that is not its story's or is listed twice, a first
 * stream that is not the story's own, `events` not its streams' sum. Null
 * when nothing is.
 */
function manifestProblem(m: BundleManifest): string | null {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  if (typeof m.storyId !== 'string' || typeof m.streamId !== 'string') return 'manifest.storyId and manifest.streamId must be strings';
  if (!isObject(m.requested)) return 'manifest.requested must be an object (the bound)';
  if (!isObject(m.timeline) || !isCount(m.timeline.statements) || typeof m.timeline.digest !== 'string') return 'manifest.timeline must have statements (a count) and digest (a string)';
  if (!Array.isArray(m.streams) || !m.streams.length) return 'the manifest lists no streams';
  for (const [i, s] of m.streams.entries()) {
    const at = m.formatVersion === 1 ? 'manifest' : `manifest.streams[${i}]`;
    if (!isObject(s)) return `${at} must be an object`;
    if (typeof s.storyId !== 'string' || typeof s.streamId !== 'string') return `${at}.storyId and .streamId must be strings`;
    if (s.streamId !== storyStream(s.storyId)) return `${at}: stream ${s.streamId} is not story ${s.storyId}'s (${storyStream(s.storyId)})`;
    if (m.streams.findIndex((o) => isObject(o) && o.streamId === s.streamId) !== i) return `${at}: stream ${s.streamId} is listed twice`;
    if (!isCount(s.events)) return `${at}.events must be a count, it is ${JSON.stringify(s.events)}`;
    if (typeof s.lastHash !== 'string') return `${at}.lastHash must be a string`;
    if (!isObject(s.sealedHead) || !isCount(s.sealedHead.position) || typeof s.sealedHead.hash !== 'string') return `${at}.sealedHead must have position (a count) and hash (a string)`;
  }
  if (m.streams[0].storyId !== m.storyId || m.streams[0].streamId !== m.streamId) {
    return `manifest.streams[0] must be story ${m.storyId}'s own stream (${m.streamId}), it is ${m.streams[0].streamId}`;
  }
  const sum = m.streams.reduce((n, s) => n + s.events, 0);
  if (m.events !== sum) return `manifest.events is ${JSON.stringify(m.events)}, its streams hold ${sum}`;
  return null;
}

/**
 * Verify a bundle offline: the manifest (its fields; the story's own stream
 * first, each stream that of its story and listed once; format 2: every
 * story a StoriesMerged of the bundle names is listed); per stream, its
 * events' stream positions (1, 2, 3, ...), global positions (increasing,
 * unique in the bundle), every chain hash recomputed from GENESIS_HASH,
 * its last hash against the manifest and its links from the last event to
 * the sealed head; then replay the events (upcast first) with the
 * projector's fold, the family as the bundle's merges link it
 * (linkedFamily) in global-position order (replayFamily; format 1:
 * replayStory of its one stream), and compare the
 * timeline with the one the exporter recorded. Pure: no I/O.
 * @param text the NDJSON bundle (LF or CRLF lines; blank lines, surrounding white space and a BOM are ignored).
 * @returns the report; never throws: malformed input (a line that is not a JSON object, a manifest field
 *   missing or of the wrong type, an event that cannot be hashed or read) is one of its problems.
 */
export function verifyBundle(text: string): BundleReport {
  const problems: BundleProblem[] = [];
  const lines = text.split('\n').map((l) => l.trim());
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  let manifest: BundleManifest | null = null;
  const checks = new Map<string, StreamCheck>();
  let eventsChecked = 0;
  let linksChecked = 0;
  /** Every global position of the bundle's event and link lines (unique in the log). */
  const globals = new Set<string>();

  let stop = false;
  lines.forEach((raw, idx) => {
    const line = idx + 1;
    if (raw === '' || stop) return;
    let obj: { kind?: unknown } & Record<string, unknown>;
    try {
      obj = JSON.parse(raw);
    } catch {
      if (idx === 0) {
        problems.push({ line, message: 'line 1 is not JSON: a bundle is NDJSON (one JSON object per line, the manifest first), as `timeline audit export` writes it' });
        stop = true;
      } else if (idx === lines.length - 1 && !/\n\s*$/.test(text)) {
        problems.push({ line, message: `line ${line} is not JSON: the bundle ends in the middle of a line (truncated?)` });
      } else problems.push({ line, message: `line ${line} is not JSON` });
      return;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      problems.push({ line, message: idx === 0 ? `line 1 must be a ${BUNDLE_FORMAT} manifest` : `line ${line} is not a JSON object` });
      return;
    }
    if (idx === 0) {
      if (obj.kind !== 'manifest' || obj.format !== BUNDLE_FORMAT) {
        problems.push({ line, message: `line 1 must be a ${BUNDLE_FORMAT} manifest` });
        return;
      }
      if (obj.formatVersion !== 1 && obj.formatVersion !== BUNDLE_FORMAT_VERSION) {
        problems.push({ line, message: `unsupported bundle format version ${String(obj.formatVersion)} (this verifier reads 1 and ${BUNDLE_FORMAT_VERSION})` });
        return;
      }
      manifest = manifestStreams(obj);
      const bad = manifestProblem(manifest);
      if (bad) {
        problems.push({ line, message: bad });
        manifest = null;
        return;
      }
      for (const spec of manifest.streams) checks.set(spec.streamId, { spec, events: [], expected: 1, prevHash: GENESIS_HASH, links: 0, broken: false, lastGlobal: null });
      return;
    }
    if (!manifest) return;
    if (obj.kind !== 'event' && obj.kind !== 'link') {
      problems.push({ line, message: `line ${line}: unknown kind ${String(obj.kind)}` });
      return;
    }
    // Format-1 link lines carry no stream id: they continue the bundle's one stream.
    const streamId = typeof obj.streamId === 'string' ? obj.streamId : manifest.streams.length === 1 ? manifest.streamId : '';
    const c = checks.get(streamId);
    const streamPosition = typeof obj.streamPosition === 'number' ? obj.streamPosition : undefined;
    if (!c) {
      problems.push({ line, streamId, streamPosition, message: `line ${line}: ${String(obj.kind)} of stream ${streamId || '(none)'}, which the manifest does not list` });
      return;
    }
    // Global positions are not hashed, yet they order the family's replay: each must follow its stream's one before and occur once.
    const g = obj.globalPosition;
    if (typeof g !== 'string' || !/^[1-9][0-9]*$/.test(g)) {
      problems.push({ line, streamId, streamPosition, message: `line ${line}: global position ${JSON.stringify(g)} is not a decimal string` });
    } else {
      if (c.lastGlobal !== null && compareGlobalPositions(g, c.lastGlobal) <= 0) {
        problems.push({ line, streamId, streamPosition, message: `line ${line}: global position ${g} is not after ${c.lastGlobal}, the one before it on ${streamId}: events reordered` });
      } else if (globals.has(g)) {
        problems.push({ line, streamId, streamPosition, message: `line ${line}: global position ${g} occurs twice in the bundle` });
      }
      globals.add(g);
      c.lastGlobal = g;
    }
    if (obj.kind === 'event') {
      const e = obj as unknown as BundleEventLine;
      eventsChecked += 1;
      if (c.links > 0) problems.push({ line, streamId, streamPosition: e.streamPosition, message: `line ${line}: event after a link line of its stream` });
      c.events.push(e);
      if (c.broken) return;
      if (e.streamPosition !== c.expected) {
        c.broken = true;
        problems.push({ line, streamId, streamPosition: c.expected, message: `stream position ${c.expected} is missing (line ${line} holds position ${JSON.stringify(e.streamPosition)}): events deleted or reordered` });
        return;
      }
      if (e.prevHash !== c.prevHash) {
        c.broken = true;
        problems.push({ line, streamId, streamPosition: e.streamPosition, message: `stream position ${e.streamPosition}: prevHash does not match the hash of the event before it` });
        return;
      }
      let hash: string;
      try {
        hash = chainHash(c.prevHash, e);
      } catch (err) {
        c.broken = true;
        problems.push({ line, streamId, streamPosition: e.streamPosition, message: `stream position ${e.streamPosition}: the event cannot be hashed (${(err as Error).message})` });
        return;
      }
      if (hash !== e.hash) {
        c.broken = true;
        problems.push({ line, streamId, streamPosition: e.streamPosition, message: `stream position ${e.streamPosition}: hash differs from the recomputed hash (event edited)` });
        return;
      }
      c.prevHash = e.hash;
      c.expected += 1;
      return;
    }
    const k = obj as unknown as BundleLinkLine;
    if (c.links === 0 && !c.broken && c.events.length !== c.spec.events) {
      problems.push({ line, streamId, streamPosition: Math.min(c.spec.events, c.events.length) + 1, message: `manifest says ${c.spec.events} events of ${streamId}, the bundle holds ${c.events.length}` });
    }
    c.links += 1;
    linksChecked += 1;
    if (c.broken) return;
    if (k.streamPosition !== c.expected || k.prevHash !== c.prevHash) {
      c.broken = true;
      problems.push({ line, streamId, streamPosition: k.streamPosition, message: `link at stream position ${k.streamPosition} does not continue the chain` });
      return;
    }
    c.prevHash = k.hash;
    c.expected += 1;
  });

  if (!manifest) {
    if (!problems.length) problems.push({ line: 1, message: 'empty bundle: no manifest' });
    return { ok: false, manifest: null, eventsChecked, linksChecked, problems, replay: null, timelineDigest: null };
  }
  const m: BundleManifest = manifest;
  for (const c of checks.values()) {
    if (c.broken) continue;
    const { spec, events } = c;
    if (events.length !== spec.events) problems.push({ line: 1, streamId: spec.streamId, message: `manifest says ${spec.events} events of ${spec.streamId}, the bundle holds ${events.length}` });
    const last = events[events.length - 1];
    if ((last?.hash ?? GENESIS_HASH) !== spec.lastHash) {
      problems.push({ line: 1, streamId: spec.streamId, streamPosition: last?.streamPosition, message: `the last event hash of ${spec.streamId} differs from the manifest's lastHash` });
    }
    const headPosition = c.expected - 1;
    if (headPosition !== spec.sealedHead.position || c.prevHash !== spec.sealedHead.hash) {
      problems.push({
        line: lines.length,
        streamId: spec.streamId,
        streamPosition: headPosition,
        message: `the chain of ${spec.streamId} ends at position ${headPosition}, the sealed head recorded in the manifest is at ${spec.sealedHead.position} (${spec.sealedHead.hash.slice(0, 12)}…)`,
      });
    }
  }
  let replay: ReplayResult | null = null;
  let digest: string | null = null;
  try {
    const family = new Map<string, StoredEvent[]>();
    for (const c of checks.values()) family.set(c.spec.storyId, c.events.map(readRawEvent));
    const own = family.get(m.storyId) ?? [];
    if (m.formatVersion !== 1) {
      const all = [...family.values()].flat();
      for (const id of storiesLinkedBy(all)) {
        if (!family.has(id)) problems.push({ line: 1, message: `story ${id} is named by a StoriesMerged in the bundle, but its stream ${storyStream(id)} is not: a member of the merge family left out` });
      }
    }
    replay = m.formatVersion === 1 ? replayStory(m.storyId, own, { kind: 'head' }) : replayFamily(m.storyId, linkedFamily(m.storyId, family));
    replay = { ...replay, reflects: { ...replay.reflects, requested: m.requested } };
    digest = timelineDigest(replay);
    if (digest !== m.timeline.digest) {
      problems.push({ line: 1, message: `the reproduced timeline (${replay.entries.length} statements) differs from the one the exporter recorded (${m.timeline.statements})` });
    }
  } catch (err) {
    problems.push({ line: 0, message: (err as Error).message });
  }
  return { ok: problems.length === 0, manifest: m, eventsChecked, linksChecked, problems, replay, timelineDigest: digest };
}
