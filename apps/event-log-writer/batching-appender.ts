import { InvalidEventError, NewEvent } from '@timeline/events';
import { PermanentError } from '@timeline/messaging';
import type { AppendResult, PgEventLog } from '@timeline/event-log';

interface Pending {
  events: NewEvent[];
  resolve: (r: AppendResult['events']) => void;
  reject: (err: unknown) => void;
}

/**
 * Groups the events of concurrently handled messages into one log
 * transaction: a message's promise resolves only after the COMMIT that holds
 * its events, so the transport acks it only then (DESIGN.md decision 2), and
 * rejects if that transaction fails (the transport naks; nothing is lost).
 * A batch is flushed when it holds `maxMessages` messages or `waitMs` after
 * its first message arrived.
 */
export class BatchingAppender {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: PgEventLog,
    private readonly opts: {
      maxMessages: number;
      waitMs: number;
      onCommitted?: (r: AppendResult) => void;
      /** Every event handed to append() is already validateNewEvent's output (the writer's controller): PgEventLog skips re-validating. */
      validated?: boolean;
    },
  ) {}

  /** Append one message's events; resolves with their per-event results after COMMIT. */
  append(events: NewEvent[]): Promise<AppendResult['events']> {
    return new Promise((resolve, reject) => {
      this.pending.push({ events, resolve, reject });
      if (this.pending.length >= this.opts.maxMessages) this.flushSoon(0);
      else if (!this.timer) this.flushSoon(this.opts.waitMs);
    });
  }

  private flushSoon(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flushing = this.flushing.then(() => this.flush());
    }, ms);
  }

  /** Wait for every batch taken so far to commit or fail (graceful shutdown). */
  async drain(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.flushing = this.flushing.then(() => this.flush());
    }
    await this.flushing;
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0, this.opts.maxMessages);
    if (this.pending.length) this.flushSoon(0);
    if (batch.length === 0) return;
    try {
      this.settle(batch, await this.log.append(batch.flatMap((p) => p.events), { validated: this.opts.validated }));
    } catch (err) {
      if (batch.length === 1 || !isDataError(err)) {
        for (const p of batch) p.reject(asPermanentIfData(err));
        return;
      }
      // One message's data broke the whole transaction: append each message
      // alone so the poison one fails by itself and the others commit.
      for (const p of batch) {
        try {
          this.settle([p], await this.log.append(p.events, { validated: this.opts.validated }));
        } catch (single) {
          p.reject(asPermanentIfData(single));
        }
      }
    }
  }

  private settle(batch: Pending[], result: AppendResult): void {
    const byId = new Map(result.events.map((r) => [r.eventId, r]));
    for (const p of batch) p.resolve(p.events.map((e) => byId.get(e.eventId)!));
    this.opts.onCommitted?.(result);
  }
}

/**
 * Errors that retrying cannot fix: an event that fails validation, or that
 * Postgres refuses as data (SQLSTATE class 22, "data exception": a value out
 * of range, text jsonb cannot hold). Anything else (connection lost, class
 * 08; serialization failure, 40001; a server shutting down, 57P01) is
 * transient and retried. Source: PostgreSQL docs, Appendix A "Error Codes".
 */
export function isDataError(err: unknown): boolean {
  if (err instanceof InvalidEventError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}

function asPermanentIfData(err: unknown): unknown {
  return isDataError(err) ? new PermanentError(`the log refused this message's events: ${(err as Error).message}`, { cause: err }) : err;
}
