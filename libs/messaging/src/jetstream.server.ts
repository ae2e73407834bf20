import { Logger, type LoggerService } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import {
  jetstreamManager,
  type Consumer,
  type ConsumerMessages,
  type JetStreamClient as NatsJetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from './nats';
import { lastValueFrom } from 'rxjs';
import { connectNats } from './connection';
import { isPermanentError } from './errors';
import { JetStreamContext } from './jetstream.context';
import {
  DEFAULT_ACK_WAIT_MS,
  DEFAULT_MAX_DELIVER,
  ensureConsumer,
  ensureStream,
  subjectMatches,
  type ConsumerSpec,
  type StreamSpec,
} from './jetstream';

/** Transport id of {@link JetStreamServer} (`@EventPattern(subject, JETSTREAM_TRANSPORT)` to bind a handler to it only). */
export const JETSTREAM_TRANSPORT: unique symbol = Symbol('JETSTREAM');

/**
 * Headers set on a dead-lettered message. Its body is the original payload,
 * byte for byte, so it can be re-published once the cause is fixed.
 */
export const DeadLetterHeaders = {
  /** `permanent` | `max_deliveries` | `malformed` | `no_handler`. */
  Reason: 'Dead-Letter-Reason',
  /** The error message (CR/LF replaced, at most 1000 characters). */
  Error: 'Dead-Letter-Error',
  /** The error's class name (`PermanentError`, `SyntaxError`, ...). */
  ErrorName: 'Dead-Letter-Error-Name',
  /** Delivery count of the failed delivery (decimal). */
  Deliveries: 'Dead-Letter-Deliveries',
  /** Subject the message was originally published to. */
  Subject: 'Dead-Letter-Subject',
  /** Source stream name. */
  Stream: 'Dead-Letter-Stream',
  /** Sequence of the message in the source stream (decimal). */
  StreamSeq: 'Dead-Letter-Stream-Seq',
  /** Durable consumer that gave up. */
  Consumer: 'Dead-Letter-Consumer',
  /** The original `Nats-Msg-Id`, if any. */
  MsgId: 'Dead-Letter-Msg-Id',
} as const;

/** Why a message was dead-lettered (value of {@link DeadLetterHeaders.Reason}). */
export type DeadLetterReason = 'permanent' | 'max_deliveries' | 'malformed' | 'no_handler';

/** Options of {@link JetStreamServer}. Durations are milliseconds. */
export interface JetStreamServerOptions {
  /** NATS URL(s); default `NATS_URL` or `nats://127.0.0.1:4222`. */
  servers?: string | string[];
  /** Connection name (monitoring). */
  connectionName?: string;
  /** Credentials; default `NATS_USER` / `NATS_PASSWORD` / `NATS_TOKEN`. */
  user?: string;
  pass?: string;
  token?: string;
  /** The stream to consume; created or updated on `listen()` (see {@link ensureStream}). */
  stream: StreamSpec;
  /**
   * The durable pull consumer; created or updated on `listen()` (see
   * {@link ensureConsumer}). `backoffMs[i]` is the `nak` delay after a
   * transient failure of delivery `i + 1` (the last value repeats);
   * default `[1000, 2000, 5000, 10000, 30000, 60000]`.
   */
  consumer: ConsumerSpec & { backoffMs?: number[] };
  /**
   * Pull size: `max` messages per pull request (default 64), `expiresMs` how
   * long one pull waits on the server (default 30000, min 1000; heartbeats
   * are half of it).
   */
  batch?: { max: number; expiresMs?: number };
  /** Handlers running at once (default `batch.max`). 1 = strictly one message at a time. */
  concurrency?: number;
  /**
   * Where messages that can never succeed go (permanent error, too many
   * deliveries, invalid JSON, no handler). Unset = they are only logged and
   * terminated (still in the stream, but no longer delivered).
   */
  deadLetterSubject?: string;
  /**
   * Stream created for {@link deadLetterSubject} when no existing stream
   * captures it: default `<stream.name>_DLQ`; `false` = do not create (the
   * subject must then be captured by a stream you manage).
   */
  deadLetterStream?: string | false;
  /**
   * Called for every message given up on, before it is published to the
   * dead-letter subject and terminated (e.g. to record it in a table). When
   * it rejects, the message is nak'ed with backoff instead (retried later),
   * so a dead letter is never lost because its record could not be written.
   */
  onDeadLetter?: (dl: DeadLetterRecord) => Promise<void>;
  /** `close()` waits this long for running handlers before draining (default 10000). */
  shutdownGraceMs?: number;
  /**
   * While a handler runs, `working()` is sent this often so the ack wait does
   * not expire (default ackWait / 3; 0 disables).
   */
  workingIntervalMs?: number;
  /** Stop extending a handler's ack wait after this long (default 300000), so a hung handler's message is redelivered. */
  maxWorkingMs?: number;
  /** Logger (default a Nest `Logger('JetStreamServer')`). */
  logger?: LoggerService;
}

/** What {@link JetStreamServerOptions.onDeadLetter} receives. */
export interface DeadLetterRecord {
  subject: string;
  stream: string;
  /** Stream sequence of the message. */
  seq: number;
  /** The publisher's Nats-Msg-Id, if any. */
  msgId?: string;
  reason: DeadLetterReason;
  error: string;
  deliveries: number;
  /** The message body as received. */
  payload: Uint8Array;
}

/** Status values emitted on `server.status`. */
export type JetStreamServerStatus = 'connected' | 'disconnected' | 'reconnecting' | 'consuming';

/** Events accepted by `server.on(event, cb)`. */
export type JetStreamServerEvents = {
  /** A connection or consume-loop error (the server keeps going). */
  error: (err: unknown) => void;
  disconnect: () => void;
  reconnect: () => void;
  /** A message was published to the dead-letter subject (or terminated when none is set). */
  dead_letter: (info: { subject: string; seq: number; reason: DeadLetterReason; error: string; deliveries: number }) => void;
};

const DEFAULT_BACKOFF_MS = [1000, 2000, 5000, 10000, 30000, 60000];
/** Delay of the nak of a message received while closing (ms). */
const CLOSING_NAK_DELAY_MS = 2000;
const RESTART_BACKOFF_MS = [250, 500, 1000, 2000, 5000, 10000];

/**
 * A Nest microservice transport that consumes a JetStream durable pull
 * consumer and dispatches each message to the `@EventPattern(subject)`
 * handler for its subject (exact match first, then a wildcard pattern such
 * as `timeline.events.>`).
 *
 * Contract per message:
 * - body is JSON, passed as the handler's `data`; the second argument is a
 *   {@link JetStreamContext};
 * - the message is **acked only after the handler resolves** (Promise or
 *   Observable completion);
 * - a rejection with a {@link PermanentError} (or on delivery `maxDeliver`)
 *   publishes the message to `deadLetterSubject` and `term()`s it; any other
 *   rejection `nak`s it with the `backoffMs` delay for its delivery count;
 * - invalid JSON or no handler → dead letter + term at once.
 *
 * Up to `concurrency` handlers run at once, so a handler may buffer several
 * messages and resolve them all after one database COMMIT. The consume loop
 * survives NATS restarts (the connection reconnects forever) and restarts
 * itself with backoff if the consumer iterator stops (e.g. consumer deleted:
 * stream and consumer are re-ensured).
 *
 * ```ts
 * const app = await NestFactory.createMicroservice(WriterModule, {
 *   strategy: new JetStreamServer({
 *     stream: { name: 'TIMELINE', subjects: ['timeline.events.>'] },
 *     consumer: { durable: 'event-log-writer', maxDeliver: 10, backoffMs: [500, 2000, 10000] },
 *     batch: { max: 100 },
 *     deadLetterSubject: 'timeline.dlq.events',
 *   }),
 * });
 * await app.listen();
 * ```
 */
export class JetStreamServer
  extends Server<JetStreamServerEvents, JetStreamServerStatus>
  implements CustomTransportStrategy
{
  override transportId = JETSTREAM_TRANSPORT;

  private readonly log: LoggerService;
  private nc?: NatsConnection;
  private jsm?: JetStreamManager;
  private js?: NatsJetStreamClient;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private closing = false;
  private closedPromise?: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly working = new Map<JsMsg, number>();
  private workingTimer?: NodeJS.Timeout;
  private slotWaiters: Array<() => void> = [];
  private sleepers = new Set<() => void>();
  private readonly listeners = new Map<keyof JetStreamServerEvents, Array<(...args: unknown[]) => void>>();
  private termWithReason = false;
  private connectionUp = false;

  private readonly batchMax: number;
  private readonly expiresMs: number;
  private readonly concurrency: number;
  private readonly maxDeliver: number;
  private readonly backoffMs: number[];
  private readonly ackWaitMs: number;

  /** @param options see {@link JetStreamServerOptions}. */
  constructor(private readonly options: JetStreamServerOptions) {
    super();
    this.log = options.logger ?? new Logger('JetStreamServer');
    this.batchMax = Math.max(1, options.batch?.max ?? 64);
    this.expiresMs = Math.max(1000, options.batch?.expiresMs ?? 30_000);
    this.concurrency = Math.max(1, options.concurrency ?? this.batchMax);
    this.maxDeliver = options.consumer.maxDeliver ?? DEFAULT_MAX_DELIVER;
    this.backoffMs = options.consumer.backoffMs?.length ? options.consumer.backoffMs : DEFAULT_BACKOFF_MS;
    this.ackWaitMs = options.consumer.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
  }

  /**
   * Connects, ensures the stream, the dead-letter stream and the durable
   * consumer, and starts consuming. Calls `callback()` once consuming has
   * started, or `callback(err)` if the setup failed (Nest then rejects
   * `app.listen()`).
   */
  async listen(callback: (err?: unknown, ...optionalParams: unknown[]) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (err) {
      await this.close().catch(() => undefined);
      callback(err);
    }
  }

  /**
   * Stops pulling, naks messages received but not started, waits up to
   * `shutdownGraceMs` for running handlers (their acks are still sent), then
   * drains the connection. Idempotent.
   */
  async close(): Promise<void> {
    if (!this.closedPromise) this.closedPromise = this.doClose();
    return this.closedPromise;
  }

  /** Registers a listener, see {@link JetStreamServerEvents}. */
  on<EventKey extends keyof JetStreamServerEvents = keyof JetStreamServerEvents>(
    event: EventKey,
    callback: JetStreamServerEvents[EventKey],
  ): this {
    const list = this.listeners.get(event) ?? [];
    list.push(callback as (...args: unknown[]) => void);
    this.listeners.set(event, list);
    return this;
  }

  /** Returns the NATS connection (`T` = `NatsConnection`). @throws Error before `listen()`. */
  unwrap<T>(): T {
    if (!this.nc) throw new Error('JetStreamServer is not connected: call listen() first');
    return this.nc as unknown as T;
  }

  /** Number of handlers currently running (for health checks and tests). */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /**
   * A snapshot for health checks: `connected` (NATS connection up),
   * `consuming` (the pull loop holds a live consumer iterator), `inFlight`
   * (handlers running).
   */
  getHealth(): { connected: boolean; consuming: boolean; inFlight: number } {
    return {
      connected: !!this.nc && !this.nc.isClosed() && this.connectionUp,
      consuming: !!this.messages && !this.closing,
      inFlight: this.inFlight.size,
    };
  }

  private emit<E extends keyof JetStreamServerEvents>(event: E, ...args: Parameters<JetStreamServerEvents[E]>): void {
    for (const cb of this.listeners.get(event) ?? []) {
      try {
        cb(...args);
      } catch (err) {
        this.log.error(`listener for ${String(event)} threw: ${describeError(err)}`);
      }
    }
  }

  private async start(): Promise<void> {
    const o = this.options;
    this.nc = await connectNats({
      servers: o.servers,
      name: o.connectionName ?? `jetstream-server:${o.consumer.durable}`,
      user: o.user,
      pass: o.pass,
      token: o.token,
    });
    this.termWithReason = versionAtLeast(this.nc.info?.version, 2, 11);
    void this.watchConnection(this.nc);
    try {
      this.jsm = await jetstreamManager(this.nc);
    } catch (err) {
      throw new Error(
        `NATS at ${this.nc.getServer()} has no JetStream: start the server with \`nats-server -js\` (${describeError(err)})`,
        { cause: err },
      );
    }
    this.js = this.jsm.jetstream();
    await this.ensureTopology();
    const consumer = await this.js.consumers.get(o.stream.name, o.consumer.durable);
    const started = deferred<void>();
    this.loop = this.runLoop(consumer, started);
    await started.promise;
    const interval = o.workingIntervalMs ?? Math.max(500, Math.floor(this.ackWaitMs / 3));
    if (interval > 0) {
      this.workingTimer = setInterval(() => this.sendWorking(), interval);
      this.workingTimer.unref();
    }
    this.log.log(
      `consuming ${o.stream.name}/${o.consumer.durable} (batch ${this.batchMax}, concurrency ${this.concurrency}, ` +
        `maxDeliver ${this.maxDeliver > 0 ? this.maxDeliver : 'unlimited'})`,
    );
  }

  private async ensureTopology(): Promise<void> {
    const o = this.options;
    const jsm = this.jsm!;
    const info = await ensureStream(jsm, o.stream);
    if (o.deadLetterSubject && o.deadLetterStream !== false) {
      const captured = (info.config.subjects ?? []).some((s) => subjectMatches(s, o.deadLetterSubject!));
      if (captured) {
        this.log.warn?.(
          `dead-letter subject ${o.deadLetterSubject} is inside stream ${o.stream.name}; ` +
            `make sure the consumer's filterSubjects exclude it`,
        );
      } else {
        await ensureStream(jsm, {
          name: o.deadLetterStream || `${o.stream.name}_DLQ`,
          subjects: [o.deadLetterSubject],
        });
      }
    }
    await ensureConsumer(jsm, o.stream.name, o.consumer);
  }

  private async runLoop(first: Consumer, started: Deferred<void>): Promise<void> {
    const o = this.options;
    let consumer: Consumer | undefined = first;
    let failures = 0;
    while (!this.closing) {
      let messages: ConsumerMessages | undefined;
      try {
        if (!consumer) {
          await this.ensureTopology();
          consumer = await this.js!.consumers.get(o.stream.name, o.consumer.durable);
        }
        messages = await consumer.consume({ max_messages: this.batchMax, expires: this.expiresMs });
        this.messages = messages;
        void this.watchConsumer(messages);
        this._status$.next('consuming');
        started.resolve();
        for await (const m of messages) {
          failures = 0;
          if (!this.closing && this.inFlight.size >= this.concurrency) {
            this.working.set(m, Date.now()); // keep its ack wait alive while it waits for a slot
            await this.slotFree();
          }
          if (this.closing) {
            this.working.delete(m);
            // Received but not started: hand it back. Delayed, so it is not redelivered at once into
            // this instance's own pull requests still open on the server (it would then wait out its ack wait).
            m.nak(CLOSING_NAK_DELAY_MS);
            continue;
          }
          this.dispatch(m);
        }
        if (this.closing) break;
        const reason = await messages.closed();
        this.log.warn?.(`consume of ${o.consumer.durable} stopped${reason ? `: ${describeError(reason)}` : ''}; restarting`);
      } catch (err) {
        if (this.closing) break;
        if (!started.settled) {
          started.reject(err);
          return;
        }
        this.log.warn?.(`consume of ${o.consumer.durable} failed: ${describeError(err)}; restarting`);
        this.emit('error', err);
      } finally {
        if (this.messages === messages) this.messages = undefined;
      }
      if (this.nc?.isClosed()) {
        if (!this.closing) {
          const err = new Error('NATS connection closed for good; JetStreamServer stopped consuming');
          this.log.error(err.message);
          this.emit('error', err);
        }
        break;
      }
      consumer = undefined;
      await this.sleep(RESTART_BACKOFF_MS[Math.min(failures++, RESTART_BACKOFF_MS.length - 1)]);
    }
  }

  private async watchConsumer(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const s of messages.status()) {
        switch (s.type) {
          case 'heartbeats_missed':
            this.log.warn?.(`missed ${s.count} heartbeats from ${this.options.consumer.durable}; re-pulling`);
            break;
          case 'consumer_not_found':
          case 'consumer_deleted':
          case 'stream_not_found':
            this.log.warn?.(`${s.type} for ${this.options.stream.name}/${this.options.consumer.durable}; re-creating`);
            void messages.close();
            return;
          case 'no_responders':
          case 'exceeded_limits':
            this.log.warn?.(`consumer notification: ${JSON.stringify(s)}`);
            break;
          default:
            break;
        }
      }
    } catch {
      // status iterator ended with the messages iterator
    }
  }

  private async watchConnection(nc: NatsConnection): Promise<void> {
    this.connectionUp = true;
    this._status$.next('connected');
    for await (const s of nc.status()) {
      switch (s.type) {
        case 'disconnect':
          this.log.warn?.(`disconnected from NATS ${s.server}`);
          this.connectionUp = false;
          this._status$.next('disconnected');
          this.emit('disconnect');
          break;
        case 'reconnecting':
          this._status$.next('reconnecting');
          break;
        case 'reconnect':
          this.log.log(`reconnected to NATS ${s.server}`);
          this.connectionUp = true;
          this._status$.next('connected');
          this.emit('reconnect');
          break;
        case 'error':
          this.log.error(`NATS error: ${describeError(s.error)}`);
          this.emit('error', s.error);
          break;
        default:
          break;
      }
    }
  }

  private async slotFree(): Promise<void> {
    while (this.inFlight.size >= this.concurrency && !this.closing) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
  }

  private wakeSlotWaiters(): void {
    const waiters = this.slotWaiters;
    this.slotWaiters = [];
    waiters.forEach((w) => w());
  }

  private dispatch(m: JsMsg): void {
    const p: Promise<void> = this.handleMessage(m)
      .catch((err) => this.log.error(`unexpected failure handling ${m.subject}#${m.seq}: ${describeError(err)}`))
      .finally(() => {
        this.working.delete(m);
        this.inFlight.delete(p);
        this.wakeSlotWaiters();
      });
    this.inFlight.add(p);
  }

  private findHandler(subject: string): MessageHandler | null {
    const exact = this.messageHandlers.get(subject);
    if (exact) return exact;
    for (const [pattern, handler] of this.messageHandlers) {
      if ((pattern.includes('*') || pattern.includes('>')) && subjectMatches(pattern, subject)) return handler;
    }
    return null;
  }

  private async handleMessage(m: JsMsg): Promise<void> {
    const deliveries = m.info.deliveryCount;
    if (this.maxDeliver > 0 && deliveries > this.maxDeliver) {
      return this.giveUp(
        m,
        'max_deliveries',
        new Error(`delivered ${deliveries} times without an ack (handler crashed or outlived the ack wait)`),
      );
    }
    const handler = this.findHandler(m.subject);
    if (!handler) {
      return this.giveUp(m, 'no_handler', new Error(`no @EventPattern handler for subject "${m.subject}"`));
    }
    let data: unknown;
    try {
      data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(m.data));
    } catch (err) {
      return this.giveUp(m, 'malformed', err);
    }
    const ctx = new JetStreamContext([m]);
    this.working.set(m, Date.now());
    try {
      const result = await handler(data, ctx);
      await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
    } catch (err) {
      this.working.delete(m);
      if (isPermanentError(err)) return this.giveUp(m, 'permanent', err);
      if (this.maxDeliver > 0 && deliveries >= this.maxDeliver) return this.giveUp(m, 'max_deliveries', err);
      const delay = this.backoffFor(deliveries);
      this.log.warn?.(
        `handler for ${m.subject}#${m.seq} failed on delivery ${deliveries}: ${describeError(err)}; redelivering in ${delay} ms`,
      );
      m.nak(delay);
      return;
    }
    this.working.delete(m);
    m.ack();
  }

  private backoffFor(deliveries: number): number {
    return this.backoffMs[Math.min(Math.max(deliveries, 1) - 1, this.backoffMs.length - 1)];
  }

  /** Dead-letters (when configured) and terminates; naks instead if the dead letter cannot be stored. */
  private async giveUp(m: JsMsg, reason: DeadLetterReason, err: unknown): Promise<void> {
    const o = this.options;
    const error = describeError(err);
    const deliveries = m.info.deliveryCount;
    if (o.deadLetterSubject && subjectMatches(o.deadLetterSubject, m.subject)) {
      // A dead letter reached this consumer (the DLQ subject is inside the
      // stream and not filtered out): never dead-letter a dead letter.
      this.log.error(`terminating dead letter ${m.subject}#${m.seq} seen by the consumer (${reason}): ${error}`);
      m.term();
      return;
    }
    if (o.onDeadLetter) {
      try {
        await o.onDeadLetter({
          subject: m.subject,
          stream: m.info.stream,
          seq: m.seq,
          msgId: m.headers?.get('Nats-Msg-Id') || undefined,
          reason,
          error,
          deliveries,
          payload: m.data,
        });
      } catch (recErr) {
        const delay = this.backoffFor(deliveries);
        this.log.error(`could not record dead letter ${m.subject}#${m.seq} (${describeError(recErr)}); redelivering in ${delay} ms`);
        m.nak(delay);
        return;
      }
    }
    if (o.deadLetterSubject) {
      const h = natsHeaders();
      if (m.headers) {
        for (const k of m.headers.keys()) {
          if (!k.toLowerCase().startsWith('nats-')) for (const v of m.headers.values(k)) h.append(k, v);
        }
      }
      h.set(DeadLetterHeaders.Reason, reason);
      h.set(DeadLetterHeaders.Error, headerSafe(error));
      h.set(DeadLetterHeaders.ErrorName, headerSafe(errorName(err)));
      h.set(DeadLetterHeaders.Deliveries, String(deliveries));
      h.set(DeadLetterHeaders.Subject, m.subject);
      h.set(DeadLetterHeaders.Stream, m.info.stream);
      h.set(DeadLetterHeaders.StreamSeq, String(m.seq));
      h.set(DeadLetterHeaders.Consumer, m.info.consumer);
      const msgId = m.headers?.get('Nats-Msg-Id');
      if (msgId) h.set(DeadLetterHeaders.MsgId, msgId);
      try {
        await this.js!.publish(o.deadLetterSubject, m.data, {
          headers: h,
          msgID: `dlq:${m.info.stream}:${m.seq}`,
        });
      } catch (pubErr) {
        const delay = this.backoffFor(deliveries);
        this.log.error(
          `could not dead-letter ${m.subject}#${m.seq} to ${o.deadLetterSubject} (${describeError(pubErr)}); ` +
            `redelivering in ${delay} ms instead of terminating`,
        );
        m.nak(delay);
        return;
      }
      this.log.error(`dead-lettered ${m.subject}#${m.seq} (${reason}, delivery ${deliveries}): ${error}`);
    } else {
      this.log.error(
        `terminating ${m.subject}#${m.seq} (${reason}, delivery ${deliveries}; no deadLetterSubject configured, ` +
          `the message stays in the stream): ${error}`,
      );
    }
    if (this.termWithReason) m.term(`${reason}: ${error}`.slice(0, 200));
    else m.term();
    this.emit('dead_letter', { subject: m.subject, seq: m.seq, reason, error, deliveries });
  }

  private sendWorking(): void {
    const now = Date.now();
    const limit = this.options.maxWorkingMs ?? 300_000;
    for (const [m, since] of this.working) {
      if (now - since > limit) continue;
      try {
        m.working();
      } catch {
        // connection closed or draining: the ack wait will decide
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.sleepers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private async doClose(): Promise<void> {
    this.closing = true;
    this.wakeSlotWaiters();
    [...this.sleepers].forEach((wake) => wake());
    const grace = this.options.shutdownGraceMs ?? 10_000;
    try {
      // Drain the pull subscription before closing it: messages the server has
      // already sent are still received (and nak'ed by the consume loop, which
      // sees `closing`) instead of being dropped and waiting out their ack wait.
      const sub = (this.messages as unknown as { sub?: { drain?: () => Promise<void> } } | undefined)?.sub;
      if (typeof sub?.drain === 'function') await sub.drain().catch(() => undefined);
      await this.messages?.close();
    } catch {
      // already stopped
    }
    if (this.inFlight.size > 0) {
      const all = Promise.allSettled([...this.inFlight]);
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), grace).unref());
      if ((await Promise.race([all, timer])) === 'timeout') {
        this.log.warn?.(
          `${this.inFlight.size} handler(s) still running after ${grace} ms; nak'ing their messages for redelivery`,
        );
        for (const m of this.working.keys()) {
          try {
            m.nak();
          } catch {
            // connection already gone: the ack wait will redeliver it
          }
        }
      }
    }
    if (this.workingTimer) clearInterval(this.workingTimer);
    await Promise.race([this.loop?.catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
    if (this.nc && !this.nc.isClosed()) {
      try {
        await this.nc.drain();
      } catch {
        await this.nc.close().catch(() => undefined);
      }
    }
    this._status$.next('disconnected');
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
  settled: boolean;
}

function deferred<T>(): Deferred<T> {
  const d = { settled: false } as Deferred<T>;
  d.promise = new Promise<T>((resolve, reject) => {
    d.resolve = (v) => {
      d.settled = true;
      resolve(v);
    };
    d.reject = (e) => {
      d.settled = true;
      reject(e);
    };
  });
  return d;
}

/** A readable one-line description of whatever a handler rejected with. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  try {
    return typeof err === 'string' ? err : JSON.stringify(err);
  } catch {
    return String(err);
  }
}

function errorName(err: unknown): string {
  if (err instanceof Error) return err.name || err.constructor?.name || 'Error';
  return typeof err === 'object' && err !== null ? 'Object' : typeof err;
}

function headerSafe(v: string): string {
  const s = v.replace(/[\r\n]+/g, ' ').trim();
  return (s.length > 1000 ? `${s.slice(0, 997)}...` : s) || '-';
}

function versionAtLeast(version: string | undefined, major: number, minor: number): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a > major || (a === major && b >= minor);
}
