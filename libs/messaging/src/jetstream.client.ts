import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { jetstreamManager, jetstream, type JetStreamClient as NatsJetStreamClient, type PubAck } from '@nats-io/jetstream';
import type { NatsConnection } from './nats';
import { connectNats } from './connection';
import { JetStreamPublishError } from './errors';
import { ensureStream, JetStreamRecord, publishToJetStream, type StreamSpec } from './jetstream';

/** Options of {@link JetStreamClient}. Durations are milliseconds. */
export interface JetStreamClientOptions {
  /** NATS URL(s); default `NATS_URL` or `nats://127.0.0.1:4222`. */
  servers?: string | string[];
  /** Connection name (monitoring). */
  connectionName?: string;
  /** Credentials; default `NATS_USER` / `NATS_PASSWORD` / `NATS_TOKEN`. */
  user?: string;
  pass?: string;
  token?: string;
  /** Use this open connection instead of connecting; `close()` then leaves it open. */
  connection?: NatsConnection;
  /** Ensure this stream exists on `connect()` (see {@link ensureStream}); unset = assume it exists. */
  stream?: StreamSpec;
  /** How long to wait for each PubAck (default 5000). */
  publishTimeoutMs?: number;
  /** Publish attempts when the broker does not answer, e.g. during a reconnect (default 3). */
  retries?: number;
}

/**
 * A Nest `ClientProxy` that publishes events to JetStream.
 *
 * `emit(subject, data)` publishes `data` as JSON on `subject` and completes
 * with the broker's {@link PubAck} once the stream has stored it, so
 * `await lastValueFrom(client.emit(...))` means "the broker has it". Wrap
 * the data in a {@link JetStreamRecord} to set the dedupe id:
 *
 * ```ts
 * const ack = await lastValueFrom(
 *   client.emit('timeline.events.story', new JetStreamRecord(event, { msgID: event.id })),
 * ); // ack.duplicate === true when the id was already stored
 * ```
 *
 * Errors: {@link JetStreamPublishError} when no stream captures the subject,
 * on PubAck timeout, or when the server refuses the message.
 * Request-response (`send()` / `@MessagePattern`) is not supported.
 */
export class JetStreamClient extends ClientProxy {
  private nc?: NatsConnection;
  private js?: NatsJetStreamClient;
  private connecting?: Promise<NatsConnection>;

  /** @param options see {@link JetStreamClientOptions}. */
  constructor(private readonly options: JetStreamClientOptions = {}) {
    super();
  }

  /**
   * Connects (once; later calls return the same connection) and ensures
   * `options.stream` if given.
   * @throws NatsConnectError when no NATS server answers.
   */
  connect(): Promise<NatsConnection> {
    if (!this.connecting) {
      this.connecting = this.doConnect().catch((err) => {
        this.connecting = undefined;
        throw err;
      });
    }
    return this.connecting;
  }

  private async doConnect(): Promise<NatsConnection> {
    const o = this.options;
    const nc =
      o.connection ??
      (await connectNats({
        servers: o.servers,
        name: o.connectionName ?? 'jetstream-client',
        user: o.user,
        pass: o.pass,
        token: o.token,
      }));
    try {
      if (o.stream) await ensureStream(await jetstreamManager(nc), o.stream);
    } catch (err) {
      if (!o.connection) await nc.close().catch(() => undefined);
      throw err;
    }
    this.nc = nc;
    this.js = jetstream(nc, o.publishTimeoutMs ? { timeout: o.publishTimeoutMs } : undefined);
    this._status$.next('connected');
    return nc;
  }

  /** Flushes and closes the connection (unless it was passed in `options.connection`). */
  async close(): Promise<void> {
    const nc = this.nc;
    this.nc = undefined;
    this.js = undefined;
    this.connecting = undefined;
    if (nc && !this.options.connection && !nc.isClosed()) {
      await nc.drain().catch(() => nc.close());
    }
    this._status$.next('disconnected');
  }

  /** Returns the NATS connection (`T` = `NatsConnection`). @throws Error before `connect()`. */
  unwrap<T>(): T {
    if (!this.nc) throw new Error('JetStreamClient is not connected: call connect() first');
    return this.nc as unknown as T;
  }

  /** Not supported: JetStream carries events, not requests. Always throws. */
  protected publish(_packet: ReadPacket, _callback: (packet: WritePacket) => void): () => void {
    throw new Error(
      'JetStreamClient does not support request-response (send() / @MessagePattern): use emit() for events',
    );
  }

  /**
   * Publishes one event; resolves with the PubAck.
   * @throws JetStreamPublishError (see class docs); TypeError for a non-string pattern.
   */
  protected async dispatchEvent<T = PubAck>(packet: ReadPacket): Promise<T> {
    if (typeof packet.pattern !== 'string' || packet.pattern === '') {
      throw new TypeError(`JetStreamClient: the pattern must be a subject string, got ${JSON.stringify(packet.pattern)}`);
    }
    if (!this.js) await this.connect();
    const subject = packet.pattern;
    const record = packet.data instanceof JetStreamRecord ? packet.data : new JetStreamRecord(packet.data);
    try {
      const ack = await publishToJetStream(this.js!, subject, record.data, record.options.msgID, {
        headers: record.options.headers,
        timeoutMs: this.options.publishTimeoutMs,
        retries: this.options.retries ?? 3,
      });
      return ack as T;
    } catch (err) {
      if (err instanceof JetStreamPublishError) throw err;
      throw new JetStreamPublishError(`JetStream publish to "${subject}" failed: ${String(err)}`, subject, err);
    }
  }
}
