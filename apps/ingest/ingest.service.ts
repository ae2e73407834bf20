import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream } from '@nats-io/jetstream';
import { itemEventId, sameEditorialContent, sha256Canonical, validateNewEvent, WireItem } from '@timeline/events';
import { assignStory, extract, ExtractedStatement, ExtractionContext, KnownStatement, StorySignature, updateStorySignature } from '@timeline/extraction';
import { finishItem, normalizeDocument, normalizeNinjs, NormalizationError, NormalizedDocument } from '@timeline/feeds';
import { publishToJetStream } from '@timeline/messaging';
import { ReadModelQueries } from '@timeline/read-model';
import { recordItemEvents } from '@timeline/timeline';
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
 * Story context comes from the read model, merged with what this process
 * published but the projector may not have applied yet. Items are processed
 * one at a time per process, so assignments see each other.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger('Ingest');
  private readonly js;
  private chain: Promise<unknown> = Promise.resolve();
  /** What this process published, ahead of the read model. */
  private readonly localStories = new Map<string, StorySignature>();
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
    return this.serialized(() => this.ingestItem(item, 'ninjs', correlationId));
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
        const res = await this.serialized(() => this.ingestItem(item, doc.format, correlationId));
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

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async ingestItem(item: WireItem, format: string, correlationId: string): Promise<IngestResult> {
    const { queries, cfg } = this.deps;
    // Same uri and version already in the log: the same content is a no-op
    // (no re-extraction: the story context has moved on since, and a new
    // extractor version re-derives through `reextract`, not through ingest);
    // other words or status under the same version is a conflict, never a
    // silent change (format-only differences, e.g. ninjs vs NewsML-G2, are not).
    const recorded = await queries.recordedItem(itemEventId(item.uri, item.version));
    if (recorded) {
      if (recorded.contentHash !== sha256Canonical(item) && !sameEditorialContent(recorded.item, item)) {
        throw new ItemVersionConflictError(item.uri, item.version);
      }
      return {
        uri: item.uri, version: item.version, pubstatus: item.pubstatus, storyId: recorded.storyId, newStory: false,
        statements: recorded.eventIds.length - 1, eventIds: recorded.eventIds, duplicate: true,
      };
    }
    const stories = await this.storyRegistry();
    const knownStory = this.findStoryOfUri(item.uri, stories) ?? (await queries.storyOfItem(item.uri));
    const assignment = knownStory
      ? { storyId: knownStory, isNew: false, title: stories.find((s) => s.storyId === knownStory)?.title ?? item.headline }
      : assignStory(item, stories);

    // The item event alone must fit in one broker message: refuse before the
    // extractor spends time on a body that could never be published.
    const maxPayload = this.deps.nc.info?.max_payload ?? Infinity;
    const itemBytes = Buffer.byteLength(JSON.stringify(item));
    if (itemBytes > maxPayload) throw new MessageTooLargeError(item.uri, itemBytes, maxPayload);

    const context = await this.context(assignment.storyId, item.uri);
    const extraction = extract(item, context);
    const events = recordItemEvents({
      item,
      format,
      storyId: assignment.storyId,
      storyTitle: assignment.isNew ? assignment.title : undefined,
      extraction,
      correlationId,
    });
    for (const e of events) validateNewEvent(e);

    const payload = { events };
    const size = Buffer.byteLength(JSON.stringify(payload));
    if (size > maxPayload) throw new MessageTooLargeError(item.uri, size, maxPayload);
    const ack = await publishToJetStream(this.js, cfg.itemsSubject, payload, itemEventId(item.uri, item.version), { retries: 3 });

    // Remember locally what we published, ahead of the projector.
    const prev = this.localStories.get(assignment.storyId) ?? stories.find((s) => s.storyId === assignment.storyId);
    const usable = item.pubstatus === 'usable';
    const sig = usable ? updateStorySignature(prev, assignment.storyId, item, extraction.statements) : prev;
    if (sig) this.localStories.set(assignment.storyId, sig.itemUris.includes(item.uri) ? sig : { ...sig, itemUris: [...sig.itemUris, item.uri] });
    const local = this.localStatements.get(assignment.storyId) ?? new Map<string, KnownStatement>();
    for (const [id, st] of local) if (st.itemUri === item.uri) local.delete(id);
    if (usable) {
      for (const s of extraction.statements) {
        local.set(s.statementId, knownStatement(item.uri, s));
      }
    }
    this.localStatements.set(assignment.storyId, local);

    this.logger.log(`${item.uri} v${item.version} → story ${assignment.storyId}: ${extraction.statements.length} statements${ack.duplicate ? ' (duplicate)' : ''}`);
    return {
      uri: item.uri,
      version: item.version,
      pubstatus: item.pubstatus,
      storyId: assignment.storyId,
      newStory: assignment.isNew,
      statements: extraction.statements.length,
      eventIds: events.map((e) => e.eventId),
      duplicate: ack.duplicate,
    };
  }

  private findStoryOfUri(uri: string, stories: StorySignature[]): string | null {
    return stories.find((s) => s.itemUris.includes(uri))?.storyId ?? null;
  }

  /** Read-model signatures, overridden by this process's newer local ones. */
  private async storyRegistry(): Promise<StorySignature[]> {
    const fromDb = await this.deps.queries.storySignatures();
    const merged = new Map(fromDb.map((s) => [s.storyId, s]));
    for (const [id, local] of this.localStories) {
      const db = merged.get(id);
      if (!db || local.itemUris.length >= db.itemUris.length) merged.set(id, local);
    }
    return [...merged.values()];
  }

  /** Statements of the story from other items (read model ∪ local), for cross-item relations. */
  private async context(storyId: string, uri: string): Promise<ExtractionContext> {
    const byId = new Map<string, KnownStatement>();
    for (const st of await this.deps.queries.storyStatements(storyId)) {
      byId.set(st.statementId, knownStatement(st.itemUri, st));
    }
    for (const [id, st] of this.localStatements.get(storyId) ?? []) byId.set(id, st);
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
