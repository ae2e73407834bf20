import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  StorageType,
  type ConsumerConfig,
  type ConsumerInfo,
  type ConsumerUpdateConfig,
  type JetStreamClient as NatsJetStreamClient,
  type JetStreamManager,
  type PubAck,
  type StreamConfig,
  type StreamInfo,
  type StreamUpdateConfig,
} from '@nats-io/jetstream';
import { errors, headers as natsHeaders, millis, nanos, type MsgHdrs } from './nats';
import { JetStreamPublishError } from './errors';

/** JetStream API error codes this module reacts to. */
const API = {
  consumerNotFound: 10014,
  streamNotFound: 10059,
  streamNameInUse: 10058,
  subjectsOverlap: 10065,
} as const;

/**
 * The stream a service needs. Units are milliseconds; unset limits are left
 * to the server defaults (unlimited age/size, 2-minute duplicate window).
 */
export interface StreamSpec {
  /** Stream name, e.g. `TIMELINE_EVENTS` (no `.`, `*`, `>` or spaces). */
  name: string;
  /** Subjects the stream captures, wildcards allowed, e.g. `['timeline.events.>']`. */
  subjects: string[];
  /** Discard messages older than this, milliseconds; 0/unset = keep forever. */
  maxAgeMs?: number;
  /** Window in which a repeated `msgID` is rejected as duplicate, milliseconds (server default 120000). */
  duplicateWindowMs?: number;
  /** Maximum stream size in bytes; unset = unlimited. */
  maxBytes?: number;
  /** `file` (default) or `memory`; only used when the stream is created. */
  storage?: 'file' | 'memory';
  /** Replicas (clustered servers only); only used when the stream is created. */
  replicas?: number;
}

/**
 * A durable pull consumer. Only these fields are managed: a consumer that
 * exists with other values for them is updated in place.
 */
export interface ConsumerSpec {
  /** Durable name, shared by every instance of the service (they split the work). */
  durable: string;
  /** Subjects of the stream to receive; unset = all. One subject works on any server, several need nats-server 2.10+. */
  filterSubjects?: string[];
  /** How long the server waits for an ack before redelivering, milliseconds (default 30000). */
  ackWaitMs?: number;
  /**
   * Deliveries after which a failing message is dead-lettered (default 20;
   * 0 or negative = never give up on transient errors). The server-side
   * `max_deliver` is set to this + 1, so a message whose handler crashed the
   * process on the last attempt still reaches the dead-letter path once.
   */
  maxDeliver?: number;
  /** Messages delivered but not yet acked, across all instances (default 1000). */
  maxAckPending?: number;
}

/** Default delivery limit for {@link ConsumerSpec.maxDeliver}. */
export const DEFAULT_MAX_DELIVER = 20;
/** Default ack wait for {@link ConsumerSpec.ackWaitMs}, milliseconds. */
export const DEFAULT_ACK_WAIT_MS = 30_000;
/** Default for {@link ConsumerSpec.maxAckPending}. */
export const DEFAULT_MAX_ACK_PENDING = 1000;

/**
 * Data plus publish options for one JetStream message. Pass it as the data
 * of `client.emit(subject, record)`; a plain value is published without a
 * `msgID` (no server-side dedupe).
 *
 * ```ts
 * await lastValueFrom(client.emit('timeline.events.story', new JetStreamRecord(event, { msgID: event.id })));
 * ```
 */
export class JetStreamRecord<T = unknown> {
  /**
   * @param data JSON-serialisable payload (what the handler receives).
   * @param options.msgID dedupe id (`Nats-Msg-Id`): the stream stores a
   *   given id once within its duplicate window. Use the event id.
   * @param options.headers extra NATS headers (string values, no CR/LF).
   */
  constructor(
    readonly data: T,
    readonly options: { msgID?: string; headers?: Record<string, string> } = {},
  ) {}
}

/** Options of {@link publishToJetStream}. */
export interface PublishOptions {
  /** Extra NATS headers. */
  headers?: Record<string, string> | MsgHdrs;
  /** How long to wait for the PubAck, milliseconds (default: the JetStream context's timeout, 5000). */
  timeoutMs?: number;
  /** Attempts when the broker does not answer (no responders / timeout), e.g. during a reconnect (default 1). */
  retries?: number;
}

/**
 * Publishes `data` as JSON to JetStream and waits for the broker's PubAck.
 *
 * @param js a JetStream client (`jetstream(nc)`).
 * @param subject the subject; a stream must capture it.
 * @param data any JSON-serialisable value (`undefined` is rejected).
 * @param msgID dedupe id sent as `Nats-Msg-Id`; `undefined` = no dedupe.
 * @returns the PubAck: `{ stream, seq, duplicate }` (`duplicate: true` when
 *   the msgID was already stored inside the duplicate window).
 * @throws JetStreamPublishError when no stream captures the subject (or
 *   JetStream is off), on timeout, or when the server rejects the message.
 */
export async function publishToJetStream(
  js: NatsJetStreamClient,
  subject: string,
  data: unknown,
  msgID?: string,
  options: PublishOptions = {},
): Promise<PubAck> {
  const payload = JSON.stringify(data);
  if (payload === undefined) {
    throw new TypeError(`publishToJetStream(${subject}): data is not JSON-serialisable (got ${typeof data})`);
  }
  const opts: Parameters<NatsJetStreamClient['publish']>[2] = {};
  if (msgID !== undefined) opts.msgID = msgID;
  if (options.timeoutMs !== undefined) opts.timeout = options.timeoutMs;
  if (options.retries !== undefined) opts.retries = options.retries;
  if (options.headers) opts.headers = toHeaders(options.headers);
  try {
    return await js.publish(subject, payload, opts);
  } catch (err) {
    throw explainPublishError(subject, err);
  }
}

/** Turns a NATS publish failure into a {@link JetStreamPublishError} naming the likely cause. */
export function explainPublishError(subject: string, err: unknown): JetStreamPublishError {
  if (err instanceof JetStreamPublishError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  if (isNoResponders(err)) {
    return new JetStreamPublishError(
      `no JetStream stream accepts subject "${subject}" (no responders): create the stream first (ensureStream) ` +
        `or check that the subject matches its subjects and that the server runs with JetStream (-js)`,
      subject,
      err,
    );
  }
  if (err instanceof errors.TimeoutError) {
    return new JetStreamPublishError(`timed out waiting for the JetStream PubAck on "${subject}"`, subject, err);
  }
  return new JetStreamPublishError(`JetStream publish to "${subject}" failed: ${msg}`, subject, err);
}

/** Converts a plain header record to NATS headers (values must not contain CR/LF). */
export function toHeaders(h: Record<string, string> | MsgHdrs): MsgHdrs {
  if (typeof (h as MsgHdrs).set === 'function' && typeof (h as MsgHdrs).keys === 'function') {
    return h as MsgHdrs;
  }
  const out = natsHeaders();
  for (const [k, v] of Object.entries(h as Record<string, string>)) out.set(k, v);
  return out;
}

/**
 * True for "nobody answered": a core no-responders error, or JetStream's
 * `JetStreamNotEnabled` (which is what a publish to a subject no stream
 * captures turns into).
 */
function isNoResponders(err: unknown): boolean {
  if (err instanceof errors.RequestError && err.isNoResponders()) return true;
  if (err instanceof errors.NoRespondersError) return true;
  return err instanceof Error && err.name === 'JetStreamNotEnabled';
}

function apiCode(err: unknown): number | undefined {
  return err instanceof JetStreamApiError ? err.code : undefined;
}

/**
 * Creates the stream if it is missing, or updates it when it differs from
 * `spec`: subjects are added (never removed, so two services declaring
 * overlapping specs do not fight), `maxAgeMs`, `duplicateWindowMs` and
 * `maxBytes` are set when given. Safe to call concurrently from several
 * processes.
 *
 * @returns the stream's info after the call.
 * @throws Error naming the stream when the server refuses (e.g. its subjects
 *   overlap another stream's).
 */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<StreamInfo> {
  if (!spec.subjects || spec.subjects.length === 0) {
    throw new Error(`ensureStream(${spec.name}): at least one subject is required`);
  }
  for (let attempt = 0; ; attempt++) {
    let info: StreamInfo | undefined;
    try {
      info = await jsm.streams.info(spec.name);
    } catch (err) {
      if (apiCode(err) !== API.streamNotFound) throw wrapStreamError(spec, 'read', err);
    }
    if (!info) {
      const cfg: Partial<StreamConfig> & { name: string } = {
        name: spec.name,
        subjects: [...spec.subjects],
        storage: spec.storage === 'memory' ? StorageType.Memory : StorageType.File,
      };
      if (spec.maxAgeMs !== undefined) cfg.max_age = nanos(spec.maxAgeMs);
      if (spec.duplicateWindowMs !== undefined) cfg.duplicate_window = nanos(spec.duplicateWindowMs);
      if (spec.maxBytes !== undefined) cfg.max_bytes = spec.maxBytes;
      if (spec.replicas !== undefined) cfg.num_replicas = spec.replicas;
      try {
        return await jsm.streams.add(cfg);
      } catch (err) {
        // Another process created it between our info and add: read it again.
        if (apiCode(err) === API.streamNameInUse && attempt < 3) continue;
        throw wrapStreamError(spec, 'create', err);
      }
    }
    const delta: Partial<StreamUpdateConfig> = {};
    const missing = spec.subjects.filter((s) => !info.config.subjects?.includes(s));
    if (missing.length > 0) delta.subjects = [...(info.config.subjects ?? []), ...missing];
    if (spec.maxAgeMs !== undefined && info.config.max_age !== nanos(spec.maxAgeMs)) {
      delta.max_age = nanos(spec.maxAgeMs);
    }
    if (spec.duplicateWindowMs !== undefined && info.config.duplicate_window !== nanos(spec.duplicateWindowMs)) {
      delta.duplicate_window = nanos(spec.duplicateWindowMs);
    }
    if (spec.maxBytes !== undefined && info.config.max_bytes !== spec.maxBytes) delta.max_bytes = spec.maxBytes;
    if (Object.keys(delta).length === 0) return info;
    try {
      return await jsm.streams.update(spec.name, delta);
    } catch (err) {
      throw wrapStreamError(spec, `update (${Object.keys(delta).join(', ')})`, err);
    }
  }
}

function wrapStreamError(spec: StreamSpec, action: string, err: unknown): Error {
  const msg = err instanceof Error ? err.message : String(err);
  const hint =
    apiCode(err) === API.subjectsOverlap
      ? ` - another stream already captures one of ${JSON.stringify(spec.subjects)}`
      : isNoResponders(err)
        ? ' - is the server running with JetStream (nats-server -js)?'
        : '';
  return new Error(`could not ${action} JetStream stream "${spec.name}": ${msg}${hint}`, { cause: err });
}

/** The server-side consumer config {@link ensureConsumer} wants for `spec`. */
export function consumerConfigFor(spec: ConsumerSpec): Partial<ConsumerConfig> {
  const maxDeliver = spec.maxDeliver ?? DEFAULT_MAX_DELIVER;
  const cfg: Partial<ConsumerConfig> = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(spec.ackWaitMs ?? DEFAULT_ACK_WAIT_MS),
    max_deliver: maxDeliver > 0 ? maxDeliver + 1 : -1,
    max_ack_pending: spec.maxAckPending ?? DEFAULT_MAX_ACK_PENDING,
  };
  const filters = spec.filterSubjects ?? [];
  if (filters.length === 1) cfg.filter_subject = filters[0];
  if (filters.length > 1) cfg.filter_subjects = [...filters];
  return cfg;
}

/**
 * Creates the durable pull consumer if missing, or updates `ackWait`,
 * `maxDeliver`, `maxAckPending` and the filter subjects when they differ.
 * Safe to call concurrently from several processes (identical creates are
 * idempotent on the server; a lost race re-reads and compares).
 *
 * @returns the consumer's info after the call.
 * @throws Error when the durable exists as a push consumer, or the server
 *   refuses the create/update (e.g. filter outside the stream's subjects).
 */
export async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  spec: ConsumerSpec,
): Promise<ConsumerInfo> {
  const want = consumerConfigFor(spec);
  for (let attempt = 0; ; attempt++) {
    let info: ConsumerInfo | undefined;
    try {
      info = await jsm.consumers.info(stream, spec.durable);
    } catch (err) {
      if (apiCode(err) !== API.consumerNotFound) throw wrapConsumerError(stream, spec, 'read', err);
    }
    if (!info) {
      try {
        return await jsm.consumers.add(stream, want);
      } catch (err) {
        if (attempt < 3) continue; // lost a creation race or a transient refusal: look again
        throw wrapConsumerError(stream, spec, 'create', err);
      }
    }
    const have = info.config;
    if (have.deliver_subject) {
      throw new Error(
        `JetStream consumer "${spec.durable}" on stream "${stream}" is a push consumer; ` +
          `delete it (nats consumer rm ${stream} ${spec.durable}) or choose another durable name`,
      );
    }
    const delta: Partial<ConsumerUpdateConfig> = {};
    if (have.ack_wait !== want.ack_wait) delta.ack_wait = want.ack_wait;
    if ((have.max_deliver ?? -1) !== want.max_deliver) delta.max_deliver = want.max_deliver;
    if (have.max_ack_pending !== want.max_ack_pending) delta.max_ack_pending = want.max_ack_pending;
    const haveFilters = have.filter_subjects?.length
      ? [...have.filter_subjects]
      : have.filter_subject
        ? [have.filter_subject]
        : [];
    const wantFilters = spec.filterSubjects ?? [];
    if (haveFilters.sort().join('\u0000') !== [...wantFilters].sort().join('\u0000')) {
      // Clear the other form so the merged config never carries both.
      delta.filter_subject = want.filter_subject ?? (wantFilters.length === 0 ? '' : undefined);
      delta.filter_subjects = want.filter_subjects ?? undefined;
    }
    if (Object.keys(delta).length === 0) return info;
    try {
      return await jsm.consumers.update(stream, spec.durable, delta);
    } catch (err) {
      throw wrapConsumerError(stream, spec, `update (${Object.keys(delta).join(', ')})`, err);
    }
  }
}

function wrapConsumerError(stream: string, spec: ConsumerSpec, action: string, err: unknown): Error {
  const msg = err instanceof Error ? err.message : String(err);
  return new Error(`could not ${action} JetStream consumer "${spec.durable}" on stream "${stream}": ${msg}`, {
    cause: err,
  });
}

/**
 * NATS subject matching: `*` matches one token, `>` one or more trailing
 * tokens. `subjectMatches('a.*.c', 'a.b.c')` and `subjectMatches('a.>', 'a.b.c')` are true.
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** Milliseconds from server nanos (re-exported for callers reading consumer/stream info). */
export const nanosToMs = (n: number): number => millis(n);
