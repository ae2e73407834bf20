import type { ExpectedVersion } from './types';

/**
 * Thrown by append when a stream's last position is not the expected version
 * (optimistic concurrency, Emmett / EventStoreDB). Nothing of the batch was written.
 */
export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** The stream's actual last position (0 = empty). */
    readonly actual: number,
  ) {
    super(`wrong expected version for stream ${streamId}: expected ${String(expected)}, actual ${actual}`);
    this.name = 'WrongExpectedVersionError';
  }
}
