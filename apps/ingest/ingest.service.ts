import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream } from '@nats-io/jetstream';
import { itemEventId, sameEditorialContent, sha256Canonical, validateNewEvent, WireItem } from '@timeline/events';
import { assignStory, extract, ExtractedStatement, ExtractionContext, KnownStatement, mergeStorySignatures, StoryAssignment, StorySignature, updateStorySignature } from '@timeline/extraction';
import { finishItem, normalizeDocument, normalizeNinjs, NormalizationError, NormalizedDocument } from '@timeline/feeds';
import { publishToJetStream } from '@timeline/messaging';
import { ReadModelQueries } from '@timeline/read-model';
import type { TimelineStatement } from '@timeline/timeline';
import { MAX_MERGE_HOPS, recordItemEvents } from '@timeline/timeline';
import type { TimelineConfig } from '@timeline/config';

export const INGEST_DEPS = Symbol('IngestDeps');

/** The same uri and version was already recorded with other content (→ 409). */
export class ItemVersionConflictError extends Error {
  constructor(
    readonly uri: string,
    readonly version: number,
  ) {
    super(`${uri} version ${version} is already in the log with different content: send the change as a higher version`);
    this.name = 'ItemVersionConflictError';
  }
}

/** The item's events do not fit in one broker message (NATS max_payload) (→ 413). */
export class MessageTooLargeError extends Error {
  constructor(
    readonly uri: string,
    readonly bytes: number,
    readonly maxPayload: number,
  ) {
    super(`${uri}: the item and its statements take ${bytes} bytes, more than the broker's max_payload of ${maxPayload} bytes; split the item or raise max_payload in nats-server`);
    this.name = 'MessageTooLargeError';
  }
}

/** What IngestService needs from the outside world. */
export interface IngestDeps {
  cfg: TimelineConfig;
  nc: NatsConnection;
  queries: ReadModelQueries;
}

/** Answer of an accepted item (HTTP 202 body). */
export interface IngestResult {
  uri: string;
  version: number;
  pubstatus: string;
  storyId: string;
  newStory: boolean;
  /** Stories this item merged into `storyId` (it bridged them); absent when none. */
  mergedStoryIds?: string[];
  statements: number;
  eventIds: string[];
  /** true when the broker already had this item version (same msgID): nothing new. */
  duplicate: boolean;
}

/** Outcome of one entry of a document (POST /feeds, a multi-item POST /items). */
export type ItemOutcome =
  | ({ ok: true; index: number } & IngestResult)
  | { ok: false; index: number; uri?: string; field: string; message: string };

/** Answer for a whole document: its format and one outcome per entry, in document order. */
export interface DocumentIngestResult {
  format: string;
  accepted: number;
  rejected: number;
  /** Events of every accepted item (for waiting on the log). */
  eventIds: string[];
  items: ItemOutcome[];
}

/**
 * Normalizes an item, assigns its story, runs the extractor with the story
 * so far as context, decides the item's events and publishes them to
 * JetStream as ONE message (so an item is never half-ingested), with msgID =
 * the item event's deterministic id (server-side dedupe; the log's unique
 * event id catches anything older than the duplicate window).
 *
 * Concurrency: several items are in flight per process. Their database reads
 * (is this version already recorded? which story holds this uri? the story's
 * statements) and their PubAck waits overlap; only the step from story
 * assignment to the start of the publish (assignment, extraction, local view
 * update: CPU work, in memory) runs one item at a time, so assignments see
 * each other and items reach the broker in the order they were assigned.
 *
 * Story clustering reads an in-memory index of story signatures: loaded from
 * the read model once, then refreshed incrementally (only stories whose
 * `last_global_position` moved past the highest one seen), merged with what
 * this process published but the projector may not have applied yet.
 *
 * Merges: when assignStory finds that the item bridges stories, the item's
 * message starts with the StoriesMerged events; the index folds the merged
 * signatures into the survivor's and forgets the merged stories at once
 * (the read model follows when the projector applies the merge).
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger('Ingest');
  private readonly js;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly stories = new StoryIndex();
  /** Highest rm_stories.last_global_position read so far (decimal string). */
  private storiesPosition = '0';
  private refreshing: Promise<void> | null = null;
  /** What this process published, ahead of the read model: statements per story. */
  private readonly localStatements = new Map<string, Map<string, KnownStatement>>();

  constructor(@Inject(INGEST_DEPS) private readonly deps: IngestDeps) {
    this.js = jetstream(deps.nc);
  }

  /**
   * Ingest one ninjs document.
   * @throws NormalizationError (→ 400) naming the bad field; JetStreamPublishError when the broker does not take it (→ 503).
   */
  ingestNinjs(raw: unknown, correlationId: string): Promise<IngestResult> {
    // The same finishing step as every other format (agency tags, cleanup), so the stored text is the same whichever way the item came.
    const item = finishItem({ ...normalizeNinjs(raw) }, { maxItemBytes: this.deps.cfg.itemMaxBytes });
    return this.ingestItem(item, 'ninjs', correlationId);
  }

  /**
   * Normalize a document of any supported format (libs/feeds normalizeDocument:
   * ninjs, NewsML-G2, RSS, Atom, JSON Feed, HTML; Content-Type decides, else
   * sniffing) and ingest each item in document order, one JetStream message
   * per item version. Entries that cannot be normalized, or whose events are
   * invalid, are reported in the answer and do not stop the others.
   * @param body the raw bytes as received (the encoding is decided in libs/feeds)
   * @param contentType the request's Content-Type, with its charset if any
   * @param opts `baseUrl`: Content-Location / feed URL (base for relative links, URL of an HTML page)
   * @throws NormalizationError (→ 400) when the document as a whole is unreadable;
   *   DocumentTooLargeError (→ 413) past ITEM_MAX_BYTES / FEED_MAX_BYTES;
   *   JetStreamPublishError (→ 503) when the broker does not take an item (items before it are in; a retry is deduplicated).
   */
  async ingestDocument(body: Buffer, contentType: string | undefined, correlationId: string, opts: { baseUrl?: string } = {}): Promise<DocumentIngestResult> {
    const { cfg } = this.deps;
    const doc: NormalizedDocument = normalizeDocument(body, {
      contentType,
      baseUrl: opts.baseUrl,
      receivedAt: new Date().toISOString(),
      maxItemBytes: cfg.itemMaxBytes,
      maxFeedBytes: cfg.feedMaxBytes,
    });
    const outcomes: ItemOutcome[] = doc.rejected.map((r) => ({ ok: false as const, index: r.index, uri: r.id, field: r.field, message: r.message }));
    // rejected entries keep their own index; accepted items are numbered among the rest in document order
    const taken = new Set(doc.rejected.map((r) => r.index));
    let next = 0;
    for (const item of doc.items) {
      while (taken.has(next)) next++;
      const index = next++;
      try {
        const res = await this.ingestItem(item, doc.format, correlationId);
        outcomes.push({ ok: true, index, ...res });
      } catch (err) {
        if (err instanceof NormalizationError || (err as Error)?.name === 'InvalidEventError') {
          outcomes.push({ ok: false, index, uri: item.uri, field: (err as any).field ?? (err as any).path ?? '(item)', message: (err as Error).message });
        } else throw err;
      }
    }
    outcomes.sort((a, b) => a.index - b.index);
    const accepted = outcomes.filter((o) => o.ok) as Array<{ ok: true } & IngestResult>;
    return { format: doc.format, accepted: accepted.length, rejected: outcomes.length - accepted.length, eventIds: accepted.flatMap((o) => o.eventIds), items: outcomes };
  }

  /** Run `fn` after every earlier serialized step has settled (one at a time per process). */
  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Bring the story index up to date with the read model: only stories
   * changed after the highest position read so far. Concurrent callers share
   * one query in flight.
   */
  private refreshStories(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    this.refreshing = (async () => {
      try {
        const rows = await this.deps.queries.storySignaturesSince(this.storiesPosition);
        let max = BigInt(this.storiesPosition);
        for (const r of rows) {
          if (r.mergedInto) this.stories.markMerged(r.storyId, r.mergedInto);
          else if (r.signature) this.stories.mergeFromReadModel(r.signature);
          const p = BigInt(r.position);
          if (p > max) max = p;
        }
        this.storiesPosition = max.toString();
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private async ingestItem(item: WireItem, format: string, correlationId: string): Promise<IngestResult> {
    const { queries, cfg } = this.deps;
    // Same uri and version already in the log: the same content is a no-op
    // (no re-extraction: the story context has moved on since, and a new
    // extractor version re-derives through `reextract`, not through ingest);
    // other words or status under the same version is a conflict, never a
    // silent change (format-only differences, e.g. ninjs vs NewsML-G2, are not).
    const [recorded, storyOfUriInReadModel] = await Promise.all([
      queries.recordedItem(itemEventId(item.uri, item.version)),
      queries.storyOfItem(item.uri),
      this.refreshStories(),
    ]);
    if (recorded) {
      if (recorded.contentHash !== sha256Canonical(item) && !sameEditorialContent(recorded.item, item)) {
        throw new ItemVersionConflictError(item.uri, item.version);
      }
      return {
        uri: item.uri, version: item.version, pubstatus: item.pubstatus, storyId: recorded.storyId, newStory: false,
        statements: recorded.eventIds.length - 1, eventIds: recorded.eventIds, duplicate: true,
      };
    }

    // The item event alone must fit in one broker message: refuse before the
    // extractor spends time on a body that could never be published.
    const maxPayload = this.deps.nc.info?.max_payload ?? Infinity;
    const itemBytes = Buffer.byteLength(JSON.stringify(item));
    if (itemBytes > maxPayload) throw new MessageTooLargeError(item.uri, itemBytes, maxPayload);

    // Read the likely story's statements before taking the turn (the
    // assignment is redone in turn; a different answer reads again).
    const guess = this.assign(item, storyOfUriInReadModel);
    const prefetched = this.readStatements(guess);
    prefetched.catch(() => undefined);

    const turn = await this.serialized(async () => {
      const assignment = this.assign(item, storyOfUriInReadModel);
      const fromReadModel = sameStories(assignment, guess) ? await prefetched : await this.readStatements(assignment);
      const storyIds = storiesOf(assignment);
      const extraction = extract(item, this.context(storyIds, item.uri, fromReadModel));
      const events = recordItemEvents({
        item,
        format,
        storyId: assignment.storyId,
        storyTitle: assignment.isNew ? assignment.title : undefined,
        extraction,
        correlationId,
        merge: assignment.merge,
      });
      for (const e of events) validateNewEvent(e);
      const payload = { events };
      const size = Buffer.byteLength(JSON.stringify(payload));
      if (size > maxPayload) throw new MessageTooLargeError(item.uri, size, maxPayload);

      // Remember locally what we publish, ahead of the projector; the publish
      // starts in turn, so the broker receives items in assignment order.
      // What this changes is saved first, to undo it if the publish fails.
      const mergedUris = (assignment.merge?.mergedStoryIds ?? []).flatMap((id) => this.stories.get(id)?.itemUris ?? []);
      const undoIndex = this.stories.save(storyIds, [item.uri, ...mergedUris]);
      // copies (the maps are changed in place), of a merge's stories only: otherwise the item's own statements are dropped
      const undoLocal = assignment.merge
        ? storyIds.map((id) => {
            const map = this.localStatements.get(id);
            return [id, map && new Map(map)] as const;
          })
        : null;
      if (assignment.merge) this.applyMerge(assignment.storyId, assignment.merge.mergedStoryIds);
      const usable = item.pubstatus === 'usable';
      const prev = this.stories.get(assignment.storyId);
      const sig = usable ? updateStorySignature(prev, assignment.storyId, item, extraction.statements) : prev;
      if (sig) this.stories.setLocal(sig.itemUris.includes(item.uri) ? sig : { ...sig, itemUris: [...sig.itemUris, item.uri] });
      const local = this.localStatements.get(assignment.storyId) ?? new Map<string, KnownStatement>();
      for (const [id, st] of local) if (st.itemUri === item.uri) local.delete(id);
      if (usable) for (const s of extraction.statements) local.set(s.statementId, knownStatement(item.uri, s));
      this.localStatements.set(assignment.storyId, local);

      const ack = publishToJetStream(this.js, cfg.itemsSubject, payload, itemEventId(item.uri, item.version), { retries: 3 });
      ack.catch(() => undefined);
      const undo = () => {
        undoIndex();
        for (const [id, map] of undoLocal ?? []) {
          if (map) this.localStatements.set(id, map);
          else this.localStatements.delete(id);
        }
        const local = undoLocal ? null : this.localStatements.get(assignment.storyId);
        if (local) for (const s of extraction.statements) if (local.get(s.statementId)?.itemUri === item.uri) local.delete(s.statementId);
      };
      return { assignment, extraction, events, ack, undo };
    });
    const { assignment, extraction, events } = turn;
    let ack: Awaited<typeof turn.ack>;
    try {
      ack = await turn.ack;
    } catch (err) {
      // Not published: the merge and the item's uri must not stay in the index (a retry would then publish
      // the item without its StoriesMerged), nor its statements in the local view. Undone as they were before
      // this item (a later item's local changes to the same stories go too; the read model brings back what it published).
      turn.undo();
      throw err;
    }

    const merged = assignment.merge?.mergedStoryIds;
    this.logger.log(
      `${item.uri} v${item.version} → story ${assignment.storyId}: ${extraction.statements.length} statements${merged ? `, merged ${merged.join(', ')} into it` : ''}${ack.duplicate ? ' (duplicate)' : ''}`,
    );
    return {
      uri: item.uri,
      version: item.version,
      pubstatus: item.pubstatus,
      storyId: assignment.storyId,
      newStory: assignment.isNew,
      ...(merged ? { mergedStoryIds: merged } : {}),
      statements: extraction.statements.length,
      eventIds: events.map((e) => e.eventId),
      duplicate: ack.duplicate,
    };
  }

  /**
   * The item's story: the one already holding its uri (index, else read
   * model; a merged story answers with its survivor), else clustering over
   * the index (which may merge stories).
   */
  private assign(item: WireItem, storyOfUriInReadModel: string | null): StoryAssignment {
    const known = this.stories.storyOfUri(item.uri) ?? storyOfUriInReadModel;
    const knownStory = known === null ? null : this.stories.survivorOf(known);
    if (knownStory) return { storyId: knownStory, isNew: false, title: this.stories.get(knownStory)?.title ?? item.headline };
    return assignStory(item, this.stories.all());
  }

  /** Active statements of the assigned story and of the stories it merges, from the read model. */
  private async readStatements(a: StoryAssignment): Promise<TimelineStatement[]> {
    if (a.isNew) return [];
    const lists = await Promise.all(storiesOf(a).map((id) => this.deps.queries.storyStatements(id)));
    return lists.flat();
  }

  /** Fold merged stories into the survivor in the index and the local view (this process decided the merge). */
  private applyMerge(survivor: string, mergedIds: readonly string[]): void {
    this.stories.merge(survivor, mergedIds);
    const local = this.localStatements.get(survivor) ?? new Map<string, KnownStatement>();
    for (const id of mergedIds) {
      for (const [sid, st] of this.localStatements.get(id) ?? []) local.set(sid, st);
      this.localStatements.delete(id);
    }
    this.localStatements.set(survivor, local);
  }

  /** Statements of the stories from other items (read model ∪ local), for cross-item relations. */
  private context(storyIds: readonly string[], uri: string, fromReadModel: readonly TimelineStatement[]): ExtractionContext {
    const byId = new Map<string, KnownStatement>();
    for (const st of fromReadModel) byId.set(st.statementId, knownStatement(st.itemUri, st));
    for (const storyId of storyIds) for (const [id, st] of this.localStatements.get(storyId) ?? []) byId.set(id, st);
    // In statement id order: the read model's row order (and so how far the projector
    // got) must not decide which of two equal candidates becomes a relation target.
    const storyStatements = [...byId.values()].filter((s) => s.itemUri !== uri).sort((a, b) => (a.statementId < b.statementId ? -1 : a.statementId > b.statementId ? 1 : 0));
    const speakers = new Map<string, ExtractionContext['knownSpeakers'][number]>();
    for (const s of storyStatements) {
      if (!speakers.has(s.speaker)) speakers.set(s.speaker, { name: s.speaker, type: s.speakerType, role: s.role, aliases: [] });
    }
    return { storyStatements, knownSpeakers: [...speakers.values()] };
  }
}

/** The stories an assignment reads and changes: its story (the survivor of a merge), then the stories it merges. */
function storiesOf(a: StoryAssignment): string[] {
  return [a.storyId, ...(a.merge?.mergedStoryIds ?? [])];
}

/** Whether two assignments read the same stories' statements (a new story reads none). */
function sameStories(a: StoryAssignment, b: StoryAssignment): boolean {
  if (a.isNew || b.isNew) return a.isNew === b.isNew;
  return storiesOf(a).join() === storiesOf(b).join();
}

/**
 * Story signatures by story id, with the story of every item uri: the read
 * model's (refreshed incrementally) merged with this process's own, newer
 * ones — a local signature wins while it has at least as many items as the
 * read model's (the projector has not caught up with it yet). A merged
 * story is dropped for good (its signature folded into the survivor's); a
 * late read-model signature of it is ignored.
 */
export class StoryIndex {
  private readonly byId = new Map<string, StorySignature>();
  private readonly local = new Set<string>();
  private readonly byUri = new Map<string, string>();
  /** merged story id → the story it was merged into. */
  private readonly mergedInto = new Map<string, string>();
  private list: StorySignature[] | null = null;

  /** A signature read from the read model. */
  mergeFromReadModel(sig: StorySignature): void {
    if (this.mergedInto.has(sig.storyId)) return;
    const current = this.byId.get(sig.storyId);
    if (current && this.local.has(sig.storyId)) {
      if (current.itemUris.length >= sig.itemUris.length) return;
      this.local.delete(sig.storyId);
    }
    this.put(sig);
  }

  /** A signature this process just computed (it published an item of the story). */
  setLocal(sig: StorySignature): void {
    this.local.add(sig.storyId);
    this.put(sig);
  }

  get(storyId: string): StorySignature | undefined {
    return this.byId.get(storyId);
  }

  /**
   * Merge stories (this process decided it): the survivor's signature takes
   * the merged ones' terms, speakers and item uris (a local signature), the
   * merged ones leave the index.
   * @throws Error when the survivor is not in the index.
   */
  merge(survivor: string, mergedIds: readonly string[]): void {
    const sig = this.byId.get(survivor);
    if (!sig) throw new Error(`story ${survivor} is not in the story index`);
    const merged = mergedIds.map((id) => this.byId.get(id)).filter((x): x is StorySignature => !!x);
    for (const id of mergedIds) this.markMerged(id, survivor);
    this.setLocal(mergeStorySignatures(sig, merged));
  }

  /**
   * Save what the index holds for some stories (signature, local flag,
   * merge) and item uris (their story), to put it back if what follows must
   * be undone (a publish that failed). Pass every uri the change may
   * re-point: the new item's, and for a merge the merged stories' items.
   * @returns the undo: restores exactly those entries, as saved.
   */
  save(storyIds: readonly string[], uris: readonly string[]): () => void {
    const stories = storyIds.map((id) => ({ id, sig: this.byId.get(id), local: this.local.has(id), mergedInto: this.mergedInto.get(id) }));
    const byUri = [...new Set(uris)].map((uri) => [uri, this.byUri.get(uri)] as const);
    return () => {
      for (const s of stories) {
        if (s.sig) this.byId.set(s.id, s.sig);
        else this.byId.delete(s.id);
        if (s.local) this.local.add(s.id);
        else this.local.delete(s.id);
        if (s.mergedInto) this.mergedInto.set(s.id, s.mergedInto);
        else this.mergedInto.delete(s.id);
      }
      for (const [uri, id] of byUri) {
        if (id) this.byUri.set(uri, id);
        else this.byUri.delete(uri);
      }
      this.list = null;
    };
  }

  /** The read model says `storyId` was merged into `survivor`: forget it (its item uris now point at the survivor). */
  markMerged(storyId: string, survivor: string): void {
    this.mergedInto.set(storyId, survivor);
    const sig = this.byId.get(storyId);
    if (sig) for (const uri of sig.itemUris) this.byUri.set(uri, survivor);
    this.byId.delete(storyId);
    this.local.delete(storyId);
    this.list = null;
  }

  /** The story that now holds `storyId`'s items: itself, or the survivor it was merged into (followed). */
  survivorOf(storyId: string): string {
    let id = storyId;
    for (let hops = 0; hops < MAX_MERGE_HOPS && this.mergedInto.has(id); hops++) id = this.mergedInto.get(id)!;
    return id;
  }

  storyOfUri(uri: string): string | null {
    return this.byUri.get(uri) ?? null;
  }

  /** Every signature (the array is reused until the next change). */
  all(): StorySignature[] {
    return (this.list ??= [...this.byId.values()]);
  }

  private put(sig: StorySignature): void {
    this.byId.set(sig.storyId, sig);
    for (const uri of sig.itemUris) this.byUri.set(uri, sig.storyId);
    this.list = null;
  }
}

/**
 * A statement as extraction context for later items of its story: who, what,
 * when, and the medium, via, cue and relations the extractor uses to find
 * cross-item relation targets (the same fields `extractBatch` passes).
 */
export function knownStatement(itemUri: string, s: Pick<ExtractedStatement, 'statementId' | 'source' | 'content' | 'kind' | 'saidAt' | 'medium' | 'via' | 'cue' | 'relations'>): KnownStatement {
  return {
    statementId: s.statementId,
    itemUri,
    speaker: s.source.name,
    speakerType: s.source.type,
    role: s.source.role,
    content: s.content,
    kind: s.kind,
    saidAt: s.saidAt,
    medium: s.medium,
    via: s.via,
    cue: s.cue,
    relations: s.relations,
  };
}
