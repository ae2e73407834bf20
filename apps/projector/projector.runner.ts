import { Logger } from '@nestjs/common';
import { isTransientError } from '@timeline/event-log';
import { TimelineProjection, ProjectionStep, SkippedEvent } from '@timeline/read-model';

/** Poison handling of a {@link ProjectorRunner}. */
export interface PoisonOptions {
  /** Non-transient failures of one event before it is dead-lettered and skipped (PROJECTOR_MAX_ATTEMPTS, default 5). */
  maxAttempts: number;
  /** Backoff before attempt n+1 is `backoffBaseMs * 2^n`, capped at 5 s (default 100). */
  backoffBaseMs?: number;
  /** After a batch failed non-transiently, step one event at a time for this many events (default 1000, the batch size). */
  isolateWindow?: number;
  /** Record the next event as a dead letter and move the checkpoint past it (see skipPoisonEvent). */
  skip(error: string, attempts: number): Promise<SkippedEvent | null>;
}

/**
 * Drives a projection: steps while there is work; when caught up, sleeps
 * until a wake-up arrives or `pollMs` passes (the polling fallback, so a lost
 * notification costs at most `pollMs`).
 *
 * Failures: a transient one (isTransientError: database down, connection
 * dropped, serialization failure) is logged and retried with backoff up to
 * 5 s, forever; nothing is skipped. Any other failure (an event that fails
 * upcasting/validation, a handler that throws, a constraint violation) makes
 * the runner isolate the culprit by stepping one event at a time; when the
 * same single event fails `poison.maxAttempts` times (backoff between
 * attempts) it is recorded in `dead_letters` and skipped (the checkpoint
 * moves past it) and the projection goes on. The checkpoint only moves on
 * COMMIT, so nothing else is skipped.
 */
export class ProjectorRunner {
  private readonly logger = new Logger('Projector');
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private readonly listeners = new Set<(s: ProjectionStep) => void>();
  private readonly skipListeners = new Set<(s: SkippedEvent) => void>();

  constructor(
    private readonly projection: TimelineProjection,
    private readonly pollMs: number,
    private readonly poison?: PoisonOptions,
  ) {}

  /** Called for every step that applied events (e.g. to push live updates). */
  onApplied(fn: (s: ProjectionStep) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Called for every event skipped as poison (after its dead letter committed). */
  onSkipped(fn: (s: SkippedEvent) => void): () => void {
    this.skipListeners.add(fn);
    return () => this.skipListeners.delete(fn);
  }

  /** Wake the loop now (a new append was announced). */
  poke(): void {
    this.wake?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stop after the current step commits (a step is one transaction: it commits its rows and checkpoint, or nothing). */
  async stop(): Promise<void> {
    this.running = false;
    this.poke();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    let isolate = 0;
    let attempts = 0;
    while (this.running) {
      try {
        const step = await this.projection.step(isolate > 0 ? { limit: 1 } : {});
        failures = 0;
        if (step.applied > 0) {
          if (isolate > 0) isolate -= 1;
          attempts = 0;
          for (const l of this.listeners) l(step);
          continue;
        }
        isolate = 0;
        attempts = 0;
        await this.sleep(this.pollMs);
      } catch (err) {
        const message = (err as Error).message;
        if (isTransientError(err) || !this.poison) {
          failures += 1;
          const delay = Math.min(5000, 100 * 2 ** failures);
          this.logger.error(`projection step failed (transient, retry in ${delay} ms): ${message}`);
          await this.sleep(delay);
          continue;
        }
        failures = 0;
        if (isolate === 0) {
          isolate = this.poison.isolateWindow ?? 1000;
          attempts = 0;
          this.logger.warn(`projection step failed: ${message}; stepping one event at a time to find the failing event`);
          continue;
        }
        attempts += 1;
        if (attempts >= this.poison.maxAttempts) {
          try {
            const skipped = await this.poison.skip(message, attempts);
            if (skipped) {
              this.logger.error(
                `dead-lettered event ${skipped.eventId} at global position ${skipped.globalPosition} (stream ${skipped.streamId}) after ${attempts} attempts: ${message}`,
              );
              for (const l of this.skipListeners) l(skipped);
            }
            attempts = 0;
            isolate = 0;
          } catch (skipErr) {
            this.logger.error(`could not dead-letter the failing event (retrying): ${(skipErr as Error).message}`);
            await this.sleep(Math.min(5000, (this.poison.backoffBaseMs ?? 100) * 2 ** attempts));
          }
          continue;
        }
        const delay = Math.min(5000, (this.poison.backoffBaseMs ?? 100) * 2 ** attempts);
        this.logger.warn(`event failed (attempt ${attempts} of ${this.poison.maxAttempts}, retry in ${delay} ms): ${message}`);
        await this.sleep(delay);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
