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

/** Order of two checkpoints by (transactionId, globalPosition): negative, 0 or positive. */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  const ta = BigInt(a.transactionId);
  const tb = BigInt(b.transactionId);
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ga = BigInt(a.globalPosition);
  const gb = BigInt(b.globalPosition);
  return ga === gb ? 0 : ga < gb ? -1 : 1;
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
