import { Logger, type LoggerService } from '@nestjs/common';
import type { NatsConnection, Subscription } from './nats';
import { connectNats, type NatsConnectOptions } from './connection';

/** Handle returned by {@link LogNotifier.subscribe}. */
export interface NotifierSubscription {
  /** Stops the callbacks. Idempotent. */
  unsubscribe(): void;
}

/**
 * Fire-and-forget wake-ups over core NATS — **not** for events (those go
 * through JetStream). The event-log writer calls
 * `notify('timeline.log.appended', { globalPosition: '42' })` after COMMIT;
 * the projector `subscribe`s and catches up when woken. Core NATS is
 * at-most-once: a notification sent while nobody listens, or during a
 * reconnect, is lost, so subscribers must keep a polling fallback.
 *
 * ```ts
 * const notifier = await LogNotifier.connect();            // or new LogNotifier(nc)
 * const sub = notifier.subscribe<{ globalPosition: string }>('timeline.log.appended', (n) => wake(n?.globalPosition));
 * notifier.notify('timeline.log.appended', { globalPosition: '42' });
 * ```
 */
export class LogNotifier {
  private readonly subs = new Set<Subscription>();

  /**
   * @param nc an open NATS connection (not closed by {@link close} unless `ownsConnection`).
   * @param options.ownsConnection drain `nc` on {@link close} (default false).
   * @param options.logger where callback errors are logged.
   */
  constructor(
    private readonly nc: NatsConnection,
    private readonly options: { ownsConnection?: boolean; logger?: LoggerService } = {},
  ) {}

  /**
   * Opens a dedicated connection (see {@link connectNats}; env `NATS_URL` ...) that {@link close} drains.
   * @throws NatsConnectError when no NATS server answers.
   */
  static async connect(opts: NatsConnectOptions = {}, logger?: LoggerService): Promise<LogNotifier> {
    const nc = await connectNats({ name: 'log-notifier', ...opts });
    return new LogNotifier(nc, { ownsConnection: true, logger });
  }

  private get log(): LoggerService {
    return this.options.logger ?? new Logger('LogNotifier');
  }

  /**
   * Publishes `payload` as JSON on `subject`. Never throws: returns false when
   * the connection is closed/draining or the payload cannot be serialised
   * (losing a wake-up is harmless by design).
   */
  notify(subject: string, payload: unknown = null): boolean {
    try {
      this.nc.publish(subject, JSON.stringify(payload ?? null));
      return true;
    } catch (err) {
      this.log.debug?.(`notify ${subject} dropped: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  /**
   * Calls `cb(payload, subject)` for each notification on `subject`
   * (wildcards allowed). `payload` is the parsed JSON, or `undefined` when the
   * body is not JSON. Errors thrown (or rejected) by `cb` are logged, never
   * propagated.
   */
  subscribe<T = unknown>(
    subject: string,
    cb: (payload: T | undefined, subject: string) => void | Promise<void>,
  ): NotifierSubscription {
    const sub = this.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) {
          this.log.warn?.(`notification subscription ${subject} failed: ${err.message}`);
          return;
        }
        let payload: T | undefined;
        try {
          payload = msg.data.length > 0 ? (msg.json<T>() as T) : undefined;
        } catch {
          payload = undefined;
        }
        try {
          const r = cb(payload, msg.subject);
          if (r && typeof (r as Promise<void>).catch === 'function') {
            (r as Promise<void>).catch((e) => this.log.error(`notification callback for ${subject} failed: ${String(e)}`));
          }
        } catch (e) {
          this.log.error(`notification callback for ${subject} failed: ${String(e)}`);
        }
      },
    });
    this.subs.add(sub);
    return {
      unsubscribe: () => {
        if (this.subs.delete(sub)) safeUnsubscribe(sub);
      },
    };
  }

  /** Resolves once the server has processed everything published so far. */
  async flush(): Promise<void> {
    await this.nc.flush();
  }

  /** Unsubscribes everything; drains the connection if this notifier owns it. */
  async close(): Promise<void> {
    for (const sub of this.subs) safeUnsubscribe(sub);
    this.subs.clear();
    if (this.options.ownsConnection && !this.nc.isClosed()) {
      await this.nc.drain().catch(() => this.nc.close());
    }
  }
}

function safeUnsubscribe(sub: Subscription): void {
  try {
    sub.unsubscribe();
  } catch {
    // connection already closed
  }
}
