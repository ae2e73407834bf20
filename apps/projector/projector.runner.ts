import { Logger } from '@nestjs/common';
import { TimelineProjection, ProjectionStep } from '@timeline/read-model';

/**
 * Drives a projection: steps while there is work; when caught up, sleeps
 * until a wake-up arrives or `pollMs` passes (the polling fallback, so a lost
 * notification costs at most `pollMs`). Errors (database down) are logged
 * and retried with backoff up to 5 s; the checkpoint only moves on COMMIT,
 * so nothing is skipped.
 */
export class ProjectorRunner {
  private readonly logger = new Logger('Projector');
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private readonly listeners = new Set<(s: ProjectionStep) => void>();

  constructor(
    private readonly projection: TimelineProjection,
    private readonly pollMs: number,
  ) {}

  /** Called for every step that applied events (e.g. to push live updates). */
  onApplied(fn: (s: ProjectionStep) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
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

  /** Stop after the current step commits. */
  async stop(): Promise<void> {
    this.running = false;
    this.poke();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const step = await this.projection.step();
        failures = 0;
        if (step.applied > 0) {
          for (const l of this.listeners) l(step);
          continue;
        }
        await this.sleep(this.pollMs);
      } catch (err) {
        failures += 1;
        const delay = Math.min(5000, 100 * 2 ** failures);
        this.logger.error(`projection step failed (retry in ${delay} ms): ${(err as Error).message}`);
        await this.sleep(delay);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
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
