/**
 * Replay bounds of an audit: "as of" a recorded time (when the log learned
 * a fact, the `recorded_at` clock) or "up to" a global position of the log.
 * Pure: no clock, no I/O.
 */

/** Up to and including a recorded time (ISO 8601 instant, normalized to UTC with milliseconds). */
export interface TimeBound {
  readonly kind: 'time';
  readonly asOf: string;
}

/** Up to and including a global position of the log (decimal string). */
export interface PositionBound {
  readonly kind: 'position';
  readonly globalPosition: string;
}

/** The whole stream as it is now. */
export interface HeadBound {
  readonly kind: 'head';
}

export type ReplayBound = TimeBound | PositionBound | HeadBound;

/** Thrown for a bound that is neither an ISO 8601 instant nor a global position; `param` names the input. */
export class BoundError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
    this.name = 'BoundError';
  }
}

const POSITION = /^(0|[1-9][0-9]{0,18})$/;
/** RFC 3339 / ISO 8601: a date alone, or a date-time WITH its offset (Z or ±hh:mm); a local time would depend on the server's zone. */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/i;

/**
 * A time bound from an ISO 8601 instant with its offset (`2019-06-04T14:00:00Z`,
 * `2019-06-04T16:00:00+02:00`), or a date alone (= its start, UTC).
 * @throws BoundError naming `param` for another format, a date-time without
 *   offset, or a day or time that does not exist (2019-02-30, 25:00).
 */
export function timeBound(value: string, param = 'asOf'): TimeBound {
  const v = value.trim();
  const m = ISO_INSTANT.exec(v);
  const fail = (why: string) => new BoundError(param, `${param} must be an ISO 8601 instant with its offset, such as 2019-06-04T14:00:00Z${why}, got "${value}"`);
  if (!m) throw fail(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v) ? ' (a time without Z or an offset is ambiguous)' : '');
  const [y, mo, d, h = '0', mi = '0', sec = '0'] = m.slice(1, 7).map((x) => x ?? undefined) as string[];
  const day = new Date(Date.UTC(+y, +mo - 1, +d));
  if (day.getUTCFullYear() !== +y || day.getUTCMonth() !== +mo - 1 || day.getUTCDate() !== +d) throw fail(` (${y}-${mo}-${d} is not a day)`);
  if (+h > 23 || +mi > 59 || +sec > 59) throw fail(' (no such time of day)');
  const ms = Date.parse(v.replace(' ', 'T'));
  if (Number.isNaN(ms)) throw fail('');
  return { kind: 'time', asOf: new Date(ms).toISOString() };
}

/** A position bound from a decimal global position (0 = before the first event). @throws BoundError */
export function positionBound(value: string, param = 'position'): PositionBound {
  const v = value.trim();
  if (!POSITION.test(v)) throw new BoundError(param, `${param} must be a global position (a whole number >= 0), got "${value}"`);
  return { kind: 'position', globalPosition: v };
}

/**
 * Parse a diff end: a whole number is a global position, anything else must
 * be an ISO 8601 instant (recorded time).
 * @throws BoundError naming `param`.
 */
export function parseBound(value: string, param: string): PositionBound | TimeBound {
  return POSITION.test(value.trim()) ? positionBound(value, param) : timeBound(value, param);
}

/** Whether a stored event lies within the bound (bounds are inclusive). */
export function withinBound(e: { globalPosition: string; recordedAt: string }, b: ReplayBound): boolean {
  switch (b.kind) {
    case 'head':
      return true;
    case 'position':
      return BigInt(e.globalPosition) <= BigInt(b.globalPosition);
    case 'time':
      // Both are ISO 8601 UTC with milliseconds: string order is time order.
      return e.recordedAt <= b.asOf;
    default: {
      const unreachable: never = b;
      throw new Error(`unknown bound ${(unreachable as { kind: string }).kind}`);
    }
  }
}

/** The request as echoed in answers: `{ asOf }`, `{ position }` or `{}` for the head. */
export function describeBound(b: ReplayBound): { asOf?: string; position?: string } {
  return b.kind === 'time' ? { asOf: b.asOf } : b.kind === 'position' ? { position: b.globalPosition } : {};
}
