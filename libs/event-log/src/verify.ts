import { createHash } from 'node:crypto';
import { chainHash, GENESIS_HASH } from '@timeline/events';
import type { ChainProblem } from './types';

/** One stored row as verifyChains reads it (raw: no upcasting), with its stream's sealed head. */
export interface ChainRow {
  readonly streamId: string;
  readonly streamPosition: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly recordedAt: string;
  readonly prevHash: string;
  readonly hash: string;
  /** The stream's sealed head; null when stream_heads has no row for the stream. */
  readonly headPosition: number | null;
  readonly headHash: string | null;
}

/**
 * Incremental chain checker (DESIGN.md decision 6): feed the rows of the log
 * in (stream_id, stream_position) order, then call `finish()`. For each stream
 * it recomputes `hash = chainHash(prevHash, event)` from GENESIS_HASH, expects
 * positions 1, 2, 3, ..., and compares the last row with the sealed head. It
 * keeps only the state of the current stream, so the log can be streamed.
 * Pure: no I/O.
 */
export class ChainVerifier {
  readonly problems: ChainProblem[] = [];
  streams = 0;
  events = 0;
  private current: string | null = null;
  private expectedPosition = 1;
  private prevHash = GENESIS_HASH;
  private broken = false;
  private last: ChainRow | null = null;

  constructor(private readonly maxProblems = 1000) {}

  /** Check the next row. Rows must come in (stream_id, stream_position) order. */
  push(row: ChainRow): void {
    if (row.streamId !== this.current) {
      this.endStream();
      this.current = row.streamId;
      this.streams += 1;
      this.expectedPosition = 1;
      this.prevHash = GENESIS_HASH;
      this.broken = false;
    }
    this.events += 1;
    this.last = row;
    if (this.broken) return;
    const at = `stream ${row.streamId} position ${row.streamPosition}`;
    if (row.streamPosition !== this.expectedPosition) {
      this.fail(
        row.streamId,
        this.expectedPosition,
        'position_gap',
        `stream ${row.streamId}: expected position ${this.expectedPosition}, found ${row.streamPosition} (rows deleted or renumbered)`,
      );
      return;
    }
    if (row.prevHash !== this.prevHash) {
      this.fail(row.streamId, row.streamPosition, 'prev_hash_mismatch', `${at}: prev_hash does not match the hash of the event before it`);
      return;
    }
    const recomputed = chainHash(this.prevHash, {
      eventId: row.eventId,
      streamId: row.streamId,
      streamPosition: row.streamPosition,
      type: row.type,
      schemaVersion: row.schemaVersion,
      data: row.data,
      metadata: row.metadata,
      recordedAt: row.recordedAt,
    });
    if (recomputed !== row.hash) {
      this.fail(row.streamId, row.streamPosition, 'hash_mismatch', `${at}: stored hash differs from the recomputed hash (row edited or forged)`);
      return;
    }
    this.prevHash = row.hash;
    this.expectedPosition += 1;
  }

  /** Report a sealed head whose stream has no rows at all (all its events deleted). */
  headWithoutEvents(streamId: string, headPosition: number): void {
    this.streams += 1;
    this.fail(streamId, 1, 'head_mismatch', `stream ${streamId}: head says ${headPosition} events, the log has none (rows deleted)`);
  }

  /** End of input: checks the last stream's head. */
  finish(): void {
    this.endStream();
    this.current = null;
  }

  private endStream(): void {
    const last = this.last;
    this.last = null;
    if (this.current === null || last === null || this.broken) return;
    if (last.headPosition === null || last.headHash === null) {
      this.fail(last.streamId, last.streamPosition, 'missing_head', `stream ${last.streamId}: events without a sealed head`);
      return;
    }
    if (last.headPosition !== last.streamPosition) {
      const pos = Math.min(last.headPosition, last.streamPosition) + 1;
      const why =
        last.headPosition > last.streamPosition
          ? `the newest ${last.headPosition - last.streamPosition} event(s) were deleted`
          : `event(s) were added behind the writer's back`;
      this.fail(
        last.streamId,
        pos,
        'head_mismatch',
        `stream ${last.streamId}: sealed head is at position ${last.headPosition}, the last row at ${last.streamPosition} (${why})`,
      );
      return;
    }
    if (last.headHash !== last.hash) {
      this.fail(last.streamId, last.streamPosition, 'head_mismatch', `stream ${last.streamId} position ${last.streamPosition}: hash differs from the sealed head's`);
    }
  }

  private fail(streamId: string, streamPosition: number, kind: ChainProblem['kind'], message: string): void {
    this.broken = true;
    if (this.problems.length < this.maxProblems) this.problems.push({ streamId, streamPosition, kind, message });
  }
}

/** Running sha256 over sealed heads, fed in stream id order: `stream_id:position:hash\n` each. */
export class HeadsDigest {
  private readonly h = createHash('sha256');
  add(streamId: string, position: number, hash: string): void {
    this.h.update(`${streamId}:${position}:${hash}\n`);
  }
  digest(): string {
    return this.h.digest('hex');
  }
}
