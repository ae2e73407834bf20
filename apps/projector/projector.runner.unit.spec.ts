import type { ProjectionStep, SkippedEvent, TimelineProjection } from '@timeline/read-model';
import { isTransientError } from '@timeline/event-log';
import { ProjectorRunner } from './projector.runner';

/**
 * The runner's failure handling without servers: a fake projection over a
 * list of "events" where some fail. Non-transient failures isolate the
 * failing event (one-event steps) and skip it after maxAttempts; transient
 * ones are retried and never skipped.
 */
class FakeProjection {
  pos = 0;
  calls: Array<number | undefined> = [];
  private transientLeft: number;
  constructor(
    private readonly events: Array<'ok' | Error>,
    transientTimes = 0,
  ) {
    this.transientLeft = transientTimes;
  }
  async step(opts: { limit?: number } = {}): Promise<ProjectionStep> {
    this.calls.push(opts.limit);
    if (this.transientLeft > 0) {
      this.transientLeft -= 1;
      throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    }
    const batch = this.events.slice(this.pos, this.pos + (opts.limit ?? 100));
    const bad = batch.find((e) => e instanceof Error);
    if (bad) throw bad;
    this.pos += batch.length;
    return { applied: batch.length, stories: [], position: String(this.pos) };
  }
  skip(): SkippedEvent {
    const gp = String(++this.pos);
    return { deadLetterId: gp, globalPosition: gp, eventId: `e${gp}`, streamId: 's', storyId: null };
  }
}

async function runUntil(runner: ProjectorRunner, fake: FakeProjection, pos: number): Promise<void> {
  runner.start();
  for (let i = 0; i < 2000 && fake.pos < pos; i++) await new Promise((r) => setTimeout(r, 2));
  await runner.stop();
}

describe('ProjectorRunner failure handling', () => {
  it('isolates an event that keeps failing, skips it after maxAttempts, and applies the events around it', async () => {
    const fake = new FakeProjection(['ok', 'ok', new TypeError("Cannot read properties of undefined (reading 'statements')"), 'ok', 'ok']);
    const skipped: Array<[string, number]> = [];
    const runner = new ProjectorRunner(fake as unknown as TimelineProjection, 1, {
      maxAttempts: 3,
      backoffBaseMs: 1,
      skip: async (error, attempts) => {
        skipped.push([error, attempts]);
        return fake.skip();
      },
    });
    await runUntil(runner, fake, 5);
    expect(fake.pos).toBe(5);
    expect(skipped).toEqual([["Cannot read properties of undefined (reading 'statements')", 3]]);
    // A full batch first, then one-event steps from the failure until the skip, then full batches again.
    expect(fake.calls.slice(0, 6)).toEqual([undefined, 1, 1, 1, 1, 1]);
    expect(fake.calls[6]).toBeUndefined();
  });

  it('retries transient failures without ever skipping', async () => {
    const fake = new FakeProjection(['ok', 'ok', 'ok'], 3);
    let skips = 0;
    const runner = new ProjectorRunner(fake as unknown as TimelineProjection, 1, {
      maxAttempts: 2,
      backoffBaseMs: 1,
      skip: async () => {
        skips += 1;
        return null;
      },
    });
    // The runner's transient backoff is 200 ms doubling: three failures (more than maxAttempts) take about 1.4 s.
    await runUntil(runner, fake, 3);
    expect(fake.pos).toBe(3);
    expect(fake.calls.slice(0, 4)).toEqual([undefined, undefined, undefined, undefined]); // no one-event isolation for transient failures
    expect(skips).toBe(0);
  }, 30_000);
});

describe('isTransientError', () => {
  it('is true for connection, rollback, resource and operator SQLSTATE classes and socket errors, false for data errors', () => {
    for (const code of ['08006', '40001', '40P01', '53300', '57P01', '57P03', '58030', 'ECONNREFUSED', 'ECONNRESET']) {
      expect([code, isTransientError(Object.assign(new Error('x'), { code }))]).toEqual([code, true]);
    }
    expect(isTransientError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientError(new Error('outer', { cause: Object.assign(new Error('inner'), { code: '08001' }) }))).toBe(true);
    for (const code of ['23505', '22P02', '42P01', 'XX000']) expect([code, isTransientError(Object.assign(new Error('x'), { code }))]).toEqual([code, false]);
    expect(isTransientError(new TypeError('x is undefined'))).toBe(false);
  });
});
