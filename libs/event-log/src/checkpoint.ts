import type { Checkpoint, ExpectedVersion } from './types';

const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;

/**
 * Check a checkpoint's fields are non-negative decimal strings (xid8 / bigint).
 * @throws Error naming the bad field.
 */
export function assertCheckpoint(cp: Checkpoint): Checkpoint {
  if (!DECIMAL.test(cp.transactionId)) throw new Error(`checkpoint.transactionId must be a decimal string: ${cp.transactionId}`);
  if (!DECIMAL.test(cp.globalPosition)) throw new Error(`checkpoint.globalPosition must be a decimal string: ${cp.globalPosition}`);
  return cp;
}

/**
 * Order of two checkpoints by (transactionId, globalPosition): negative, 0 or
 * positive. Compares the decimal strings without parsing them (a longer one
 * is larger, then lexicographic), valid for the canonical form assertCheckpoint
 * accepts and Postgres prints (no sign, no leading zeros); cheap enough to
 * sort a rebuild chunk's events with.
 */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  return compareDecimals(a.transactionId, b.transactionId) || compareDecimals(a.globalPosition, b.globalPosition);
}

function compareDecimals(x: string, y: string): number {
  return x.length !== y.length ? x.length - y.length : x < y ? -1 : x > y ? 1 : 0;
}

/** The checkpoint of an event read from the log (its transaction id and global position). */
export function checkpointOf(e: { transactionId: string; globalPosition: string }): Checkpoint {
  return { transactionId: e.transactionId, globalPosition: e.globalPosition };
}

/** Whether a stream whose last position is `actual` (0 = empty) satisfies `expected`. */
export function expectedVersionMatches(expected: ExpectedVersion, actual: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === 0;
  return expected === actual;
}
