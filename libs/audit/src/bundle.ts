import { chainHash, EventSchemas, GENESIS_HASH, sha256Canonical, StoredEvent, upcast, validateNewEvent } from '@timeline/events';
import { describeBound, ReplayBound } from './bounds';
import { prefixLength, replayStory, ReplayResult } from './replay';

/**
 * Audit bundles: one story's events with their chain proofs and a manifest,
 * as NDJSON, checkable offline (no database) by `verifyBundle`.
 *
 * Line 1 is the manifest; then one `event` line per exported event, raw as
 * stored (the chain hash covers the stored schema version and data, so events
 * are NOT upcast in the bundle: the verifier upcasts them on read, like the
 * log does); then one `link` line per later event of the stream that the
 * as-of cut left out (position, prevHash, hash only), ending at the stream's
 * sealed head. The links prove that the exported prefix is the beginning of
 * the chain the log seals today; the bodies of those later events are not in
 * the bundle, so their hashes are taken as given.
 *
 * What it proves: the events are unaltered and complete from the stream's
 * first event to the cut, and they chain into the sealed head the exporter
 * saw (`sealedHead`, also in `headsDigest`). An adversary who rewrites the
 * whole bundle consistently produces another `lastHash` / `sealedHead.hash`:
 * compare them with a copy kept elsewhere (e.g. GET /audit/verify's
 * `headsDigest` recorded earlier).
 */

export const BUNDLE_FORMAT = 'statement-timeline-audit-bundle';
export const BUNDLE_FORMAT_VERSION = 1;

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

/** First line of a bundle. */
export interface BundleManifest {
  readonly kind: 'manifest';
  readonly format: typeof BUNDLE_FORMAT;
  readonly formatVersion: number;
  readonly storyId: string;
  readonly streamId: string;
  /** When the export ran (ISO 8601 UTC; passed in by the caller). */
  readonly exportedAt: string;
  /** The as-of bound of the export: `{ asOf }` (recorded time), `{ position }` or `{}` (everything). */
  readonly requested: { asOf?: string; position?: string };
  /** Number of `event` lines (stream positions 1..events). */
  readonly events: number;
  readonly lastStreamPosition: number;
  readonly lastGlobalPosition: string;
  readonly lastRecordedAt: string | null;
  /** Hash of the last exported event (GENESIS_HASH when none). */
  readonly lastHash: string;
  readonly genesisHash: string;
  /** The stream's sealed head when exported (stream_heads). */
  readonly sealedHead: { readonly position: number; readonly hash: string };
  /** sha256 over every sealed head of the log when exported (VerifyReport.headsDigest), when known. */
  readonly headsDigest: string | null;
  /** Current schema version per event type of the exporting code (older stored versions are upcast on read). */
  readonly schemaVersions: Record<string, number>;
  /** The as-of timeline the exporter computed: number of statements and sha256 of its canonical JSON. */
  readonly timeline: { readonly statements: number; readonly digest: string };
}

export type BundleEventLine = RawStoredEvent & { readonly kind: 'event' };
export interface BundleLinkLine {
  readonly kind: 'link';
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

/** Input of buildBundle. */
export interface BundleInput {
  readonly storyId: string;
  readonly streamId: string;
  /** The WHOLE stream as stored, in stream-position order (the part after the cut becomes link lines). */
  readonly events: readonly RawStoredEvent[];
  readonly sealedHead: { position: number; hash: string };
  readonly headsDigest?: string | null;
  readonly bound: ReplayBound;
  /** ISO 8601 time of the export (the caller's clock). */
  readonly exportedAt: string;
}

/**
 * Build a bundle's lines (NDJSON without newlines): manifest, events within
 * the bound, links to the sealed head. Also returns the replay it recorded.
 * @throws Error when a stored event cannot be upcast or validated.
 */
export function buildBundle(input: BundleInput): { lines: string[]; manifest: BundleManifest; replay: ReplayResult } {
  const stored = input.events.map(readRawEvent);
  const n = prefixLength(stored, input.bound);
  const replay = replayStory(input.storyId, stored.slice(0, n), { kind: 'head' });
  const last = n > 0 ? input.events[n - 1] : undefined;
  const manifest: BundleManifest = {
    kind: 'manifest',
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    storyId: input.storyId,
    streamId: input.streamId,
    exportedAt: input.exportedAt,
    requested: describeBound(input.bound),
    events: n,
    lastStreamPosition: last?.streamPosition ?? 0,
    lastGlobalPosition: last?.globalPosition ?? '0',
    lastRecordedAt: last?.recordedAt ?? null,
    lastHash: last?.hash ?? GENESIS_HASH,
    genesisHash: GENESIS_HASH,
    sealedHead: { position: input.sealedHead.position, hash: input.sealedHead.hash },
    headsDigest: input.headsDigest ?? null,
    schemaVersions: Object.fromEntries(Object.entries(EventSchemas).map(([t, s]) => [t, s.version])),
    timeline: { statements: replay.entries.length, digest: timelineDigest(replay) },
  };
  const lines = [JSON.stringify(manifest)];
  for (let i = 0; i < n; i++) lines.push(JSON.stringify({ kind: 'event', ...input.events[i] }));
  for (let i = n; i < input.events.length; i++) {
    const e = input.events[i];
    const link: BundleLinkLine = { kind: 'link', streamPosition: e.streamPosition, globalPosition: e.globalPosition, recordedAt: e.recordedAt, prevHash: e.prevHash, hash: e.hash };
    lines.push(JSON.stringify(link));
  }
  return { lines, manifest, replay };
}

/** One problem verifyBundle found; `line` is 1-based. */
export interface BundleProblem {
  readonly line: number;
  readonly streamPosition?: number;
  readonly message: string;
}

/** Result of verifyBundle. */
export interface BundleReport {
  readonly ok: boolean;
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

/**
 * Verify a bundle offline: the manifest, the events' stream positions
 * (1, 2, 3, ...), every chain hash recomputed from GENESIS_HASH, the last hash
 * against the manifest, the links from the last event to the sealed head,
 * then replay the events with `evolve` (after upcasting) and compare the
 * timeline with the one the exporter recorded. Pure: no I/O.
 * @param text the NDJSON bundle.
 */
export function verifyBundle(text: string): BundleReport {
  const problems: BundleProblem[] = [];
  const lines = text.split('\n').map((l) => l.trim());
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  let manifest: BundleManifest | null = null;
  const events: RawStoredEvent[] = [];
  let prevHash = GENESIS_HASH;
  let expected = 1;
  let links = 0;
  let chainBroken = false;
  let headHash: string | null = null;
  let headPosition = 0;

  lines.forEach((raw, idx) => {
    const line = idx + 1;
    if (raw === '') return;
    let obj: { kind?: unknown } & Record<string, unknown>;
    try {
      obj = JSON.parse(raw);
    } catch {
      problems.push({ line, message: `line ${line} is not JSON` });
      return;
    }
    if (idx === 0) {
      if (obj.kind !== 'manifest' || obj.format !== BUNDLE_FORMAT) {
        problems.push({ line, message: `line 1 must be a ${BUNDLE_FORMAT} manifest` });
        return;
      }
      if (obj.formatVersion !== BUNDLE_FORMAT_VERSION) problems.push({ line, message: `unsupported bundle format version ${String(obj.formatVersion)}` });
      manifest = obj as unknown as BundleManifest;
      return;
    }
    if (!manifest) return;
    const m: BundleManifest = manifest;
    if (obj.kind === 'event') {
      const e = obj as unknown as BundleEventLine;
      if (links > 0) problems.push({ line, streamPosition: e.streamPosition, message: `line ${line}: event after a link line` });
      if (e.streamId !== m.streamId) problems.push({ line, streamPosition: e.streamPosition, message: `line ${line}: event of stream ${e.streamId}, the bundle is of ${m.streamId}` });
      events.push(e);
      if (chainBroken) return;
      if (e.streamPosition !== expected) {
        chainBroken = true;
        problems.push({ line, streamPosition: expected, message: `stream position ${expected} is missing (line ${line} holds position ${e.streamPosition}): events deleted or reordered` });
        return;
      }
      if (e.prevHash !== prevHash) {
        chainBroken = true;
        problems.push({ line, streamPosition: e.streamPosition, message: `stream position ${e.streamPosition}: prevHash does not match the hash of the event before it` });
        return;
      }
      const h = chainHash(prevHash, e);
      if (h !== e.hash) {
        chainBroken = true;
        problems.push({ line, streamPosition: e.streamPosition, message: `stream position ${e.streamPosition}: hash differs from the recomputed hash (event edited)` });
        return;
      }
      prevHash = e.hash;
      expected += 1;
      return;
    }
    if (obj.kind === 'link') {
      const k = obj as unknown as BundleLinkLine;
      if (links === 0 && !chainBroken && events.length !== m.events) {
        problems.push({ line, streamPosition: Math.min(m.events, events.length) + 1, message: `manifest says ${m.events} events, the bundle holds ${events.length}` });
      }
      links += 1;
      if (chainBroken) return;
      if (k.streamPosition !== expected || k.prevHash !== prevHash) {
        chainBroken = true;
        problems.push({ line, streamPosition: k.streamPosition, message: `link at stream position ${k.streamPosition} does not continue the chain` });
        return;
      }
      prevHash = k.hash;
      expected += 1;
      return;
    }
    problems.push({ line, message: `line ${line}: unknown kind ${String(obj.kind)}` });
  });
  headHash = prevHash;
  headPosition = expected - 1;

  if (!manifest) {
    if (!problems.length) problems.push({ line: 1, message: 'empty bundle: no manifest' });
    return { ok: false, manifest: null, eventsChecked: events.length, linksChecked: links, problems, replay: null, timelineDigest: null };
  }
  const m: BundleManifest = manifest;
  if (!chainBroken) {
    if (events.length !== m.events) problems.push({ line: 1, message: `manifest says ${m.events} events, the bundle holds ${events.length}` });
    const last = events[events.length - 1];
    if ((last?.hash ?? GENESIS_HASH) !== m.lastHash) problems.push({ line: 1, streamPosition: last?.streamPosition, message: 'the last event hash differs from manifest.lastHash' });
    if (headPosition !== m.sealedHead.position || headHash !== m.sealedHead.hash) {
      problems.push({ line: lines.length, streamPosition: headPosition, message: `the chain ends at position ${headPosition}, the sealed head recorded in the manifest is at ${m.sealedHead.position} (${m.sealedHead.hash.slice(0, 12)}…)` });
    }
  }
  let replay: ReplayResult | null = null;
  let digest: string | null = null;
  try {
    const stored = events.map(readRawEvent);
    replay = replayStory(m.storyId, stored, { kind: 'head' });
    replay = { ...replay, reflects: { ...replay.reflects, requested: m.requested } };
    digest = timelineDigest(replay);
    if (digest !== m.timeline.digest) {
      problems.push({ line: 1, message: `the reproduced timeline (${replay.entries.length} statements) differs from the one the exporter recorded (${m.timeline.statements})` });
    }
  } catch (err) {
    problems.push({ line: 0, message: (err as Error).message });
  }
  return { ok: problems.length === 0, manifest: m, eventsChecked: events.length, linksChecked: links, problems, replay, timelineDigest: digest };
}
