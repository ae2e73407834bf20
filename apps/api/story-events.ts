import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LogNotifier, type NatsConnection, type NotifierSubscription } from '@timeline/messaging';

export const STORY_EVENTS = Symbol('StoryEvents');

/** The story heads the hub compares against (ReadModelQueries.storyHeads). */
export type StoryHeads = (storyIds: string[]) => Promise<Map<string, { globalPosition: string; recordedAt: string | null }>>;

/** Data of one `event: timeline` message. */
export interface TimelineChanged {
  storyId: string;
  /** The story's last global position after the change (decimal string; also the SSE `id`). */
  globalPosition: string;
  /** recorded_at of the last event folded into the story (ISO 8601). */
  recordedAt: string | null;
}

export interface StoryEventsOptions {
  /** Core NATS connection carrying the projector's `<prefix>.timeline.updated` announcements; none: polling only. */
  nc?: NatsConnection;
  /** Subject of the announcements, `<prefix>.timeline.updated`. */
  subject: string;
  /** Heartbeat comment interval (ms, default 15,000); each heartbeat also re-reads the watched stories' heads (announcements are at-most-once). */
  heartbeatMs?: number;
  /** Polling interval while NATS is down or absent (ms, default 1,000). */
  pollMs?: number;
}

interface Client {
  storyId: string;
  res: ServerResponse;
  /** Last position the client knows (sent, or given as Last-Event-ID / `after`). */
  last: bigint;
}

/**
 * Server-Sent Events of story timeline changes (GET /stories/:id/events).
 *
 * The projector announces each applied batch on core NATS
 * (`<prefix>.timeline.updated`, `{ stories, globalPosition }`); on an
 * announcement naming a watched story the hub reads that story's head
 * (last_global_position, updated_at) and sends `event: timeline` with
 * `{ storyId, globalPosition, recordedAt }` to every client that has not
 * seen that position. Core NATS is at-most-once, so while the connection is
 * down (or absent) the hub polls the watched stories' heads every `pollMs`,
 * and every heartbeat (a `: heartbeat` comment, every `heartbeatMs`) also
 * re-reads them. Timers run only while some client is connected. A client
 * that closes is dropped; on application shutdown every stream is ended
 * (before the HTTP server closes, so shutdown does not wait on them).
 */
export class StoryEvents implements BeforeApplicationShutdown {
  private readonly clients = new Map<string, Set<Client>>();
  private readonly log = new Logger('StoryEvents');
  private notifier?: LogNotifier;
  private sub?: NotifierSubscription;
  private natsUp: boolean;
  private heartbeat?: NodeJS.Timeout;
  private poll?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly heads: StoryHeads,
    private readonly opts: StoryEventsOptions,
  ) {
    this.natsUp = !!opts.nc && !opts.nc.isClosed();
    if (opts.nc) {
      this.notifier = new LogNotifier(opts.nc, { logger: this.log });
      this.sub = this.notifier.subscribe<{ stories?: unknown }>(opts.subject, (n) => {
        const ids = Array.isArray(n?.stories) ? n.stories.filter((s): s is string => typeof s === 'string' && this.clients.has(s)) : [];
        if (ids.length) return this.check(ids);
      });
      void this.watchStatus(opts.nc);
    }
  }

  /** Whether announcements currently arrive over NATS (false: polling). */
  get usingNats(): boolean {
    return this.natsUp && !!this.opts.nc && !this.opts.nc.isClosed();
  }

  /** Number of open streams (all stories). */
  get size(): number {
    let n = 0;
    for (const set of this.clients.values()) n += set.size;
    return n;
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    try {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') this.natsUp = false;
        else if (s.type === 'reconnect') {
          this.natsUp = true;
          void this.check([...this.clients.keys()]); // announcements may have been lost meanwhile
        }
      }
    } catch {
      // the status iterator ends with the connection
    }
    this.natsUp = false;
  }

  /**
   * Start a stream for `storyId` on `res`. `since` (Last-Event-ID or the
   * `after` parameter: a global position the client has already seen) makes
   * the hub send at once when the story is already past it; without it the
   * stream starts from the story's current position `current`.
   */
  open(storyId: string, current: string, since: string | undefined, req: IncomingMessage, res: ServerResponse): void {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(': connected\n\n');
    if (this.closed) {
      res.end();
      return;
    }
    const client: Client = { storyId, res, last: BigInt(since ?? current) };
    let set = this.clients.get(storyId);
    if (!set) this.clients.set(storyId, (set = new Set()));
    set.add(client);
    const drop = () => this.drop(client);
    req.on('close', drop);
    res.on('close', drop);
    this.timers();
    // also closes the race with a change committed between reading `current` and registering here
    void this.check([storyId]);
  }

  private drop(c: Client): void {
    const set = this.clients.get(c.storyId);
    if (!set?.delete(c)) return;
    if (!set.size) this.clients.delete(c.storyId);
    this.timers();
  }

  /** Timers run while some client is connected. */
  private timers(): void {
    const any = this.clients.size > 0 && !this.closed;
    if (any && !this.heartbeat) {
      this.heartbeat = setInterval(() => this.beat(), this.opts.heartbeatMs ?? 15_000);
      this.poll = setInterval(() => {
        if (!this.usingNats) void this.check([...this.clients.keys()]);
      }, this.opts.pollMs ?? 1_000);
      this.heartbeat.unref();
      this.poll.unref();
    } else if (!any && this.heartbeat) {
      clearInterval(this.heartbeat);
      clearInterval(this.poll);
      this.heartbeat = this.poll = undefined;
    }
  }

  private beat(): void {
    for (const set of this.clients.values()) for (const c of set) c.res.write(': heartbeat\n\n');
    void this.check([...this.clients.keys()]);
  }

  /** Read the heads of some watched stories and send `timeline` to clients behind them. Never throws. */
  async check(storyIds: string[]): Promise<void> {
    if (!storyIds.length) return;
    let heads: Awaited<ReturnType<StoryHeads>>;
    try {
      heads = await this.heads(storyIds);
    } catch (err) {
      this.log.warn(`reading story heads failed: ${(err as Error).message}`);
      return;
    }
    for (const [storyId, h] of heads) {
      const pos = BigInt(h.globalPosition);
      for (const c of this.clients.get(storyId) ?? []) {
        if (pos <= c.last) continue;
        c.last = pos;
        const data: TimelineChanged = { storyId, globalPosition: h.globalPosition, recordedAt: h.recordedAt };
        c.res.write(`id: ${h.globalPosition}\nevent: timeline\ndata: ${JSON.stringify(data)}\n\n`);
      }
    }
  }

  /** End every stream and stop listening (Nest calls this before the HTTP server closes). */
  beforeApplicationShutdown(): void {
    this.closed = true;
    this.sub?.unsubscribe();
    for (const set of this.clients.values()) for (const c of set) c.res.end();
    this.clients.clear();
    this.timers();
  }
}
