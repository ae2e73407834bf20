/**
 * Position of a gap-safe reader in the log (DESIGN.md decision 5): the pair
 * `(transaction_id, global_position)` of the last event it processed, both
 * as decimal strings (xid8 and bigint do not fit a JS number safely).
 */
export interface Checkpoint {
  readonly transactionId: string;
  readonly globalPosition: string;
}

/** The checkpoint before the first event. */
export const START_CHECKPOINT: Checkpoint = Object.freeze({ transactionId: '0', globalPosition: '0' });

/**
 * Expected version of a stream for optimistic concurrency (Emmett / EventStoreDB):
 * - a number n: the stream's last stream position must be n (0 = the stream is empty);
 * - `'no_stream'`: the stream must have no events (same as 0);
 * - `'any'`: no check (the default).
 */
export type ExpectedVersion = number | 'any' | 'no_stream';

/** Outcome of appending one event. Positions are those of the stored event (also for a duplicate). */
export interface AppendEventResult {
  readonly eventId: string;
  /** `duplicate`: the event id was already in the log (or earlier in the batch); nothing was written (DESIGN.md decision 3). */
  readonly status: 'appended' | 'duplicate';
  readonly streamId: string;
  readonly streamPosition: number;
  /** bigint as a decimal string. */
  readonly globalPosition: string;
}

/** Outcome of one append call: one entry per input event, in input order. */
export interface AppendResult {
  readonly events: readonly AppendEventResult[];
  /** Number of events written now. */
  readonly appended: number;
  /** Number of events skipped because their id was already in the log or earlier in the batch. */
  readonly duplicates: number;
}

/** Lag of a projection: see PgEventLog.stats. */
export interface LogStats {
  /** Highest global position in the log, decimal string; '0' when empty. */
  readonly lastGlobalPosition: string;
  /** The projection's checkpoint (START_CHECKPOINT when it has none). */
  readonly checkpoint: Checkpoint;
  /** Events after the checkpoint (committed ones, including those not yet safe to read). */
  readonly eventsBehind: number;
}

/** Kinds of chain damage verifyChains reports. */
export type ChainProblemKind =
  /** hash column differs from the recomputed hash: the row was edited (or forged with a wrong hash). */
  | 'hash_mismatch'
  /** prev_hash differs from the previous event's hash: a row before it was deleted, edited or inserted. */
  | 'prev_hash_mismatch'
  /** stream positions are not 1, 2, 3, ...: a row was deleted (or renumbered). */
  | 'position_gap'
  /** the sealed head says the stream ends elsewhere: newest rows deleted, or a row appended behind the writer's back. */
  | 'head_mismatch'
  /** events exist for a stream without a sealed head. */
  | 'missing_head';

/** One problem found by verifyChains: the first bad position of one stream. */
export interface ChainProblem {
  readonly streamId: string;
  /** Stream position where the chain first breaks (for head problems: the head's or last row's position). */
  readonly streamPosition: number;
  readonly kind: ChainProblemKind;
  readonly message: string;
}

/** Result of PgEventLog.verifyChains. */
export interface VerifyReport {
  readonly ok: boolean;
  readonly streamsChecked: number;
  readonly eventsChecked: number;
  /** The first problem in (stream_id, stream_position) order; undefined when ok. */
  readonly firstProblem?: ChainProblem;
  /** The first problem of each broken stream (at most 1000 listed). */
  readonly problems: ChainProblem[];
  /**
   * sha256 over every sealed head (`stream_id:position:hash`, sorted by stream id), hex.
   * Record it outside the database: a later verify with a different root for the
   * same heads shows a rewrite that also rewrote the heads.
   */
  readonly headsDigest: string;
}
