import { NormalizationError } from './errors';

/**
 * Parse a wire timestamp into ISO 8601 UTC with milliseconds.
 * Accepts RFC 3339 / ISO 8601 date-times with `Z` or an offset (converted to
 * UTC), and a bare date `YYYY-MM-DD` (taken as 00:00 UTC, as ninjs 1.0
 * test-suite item 017 shows agencies send). Anything else ("Last Tuesday") is
 * refused rather than guessed.
 * @throws NormalizationError naming `field`.
 */
export function parseWireDate(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new NormalizationError(field, 'missing date-time');
  }
  const s = value.trim();
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const full = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(s);
  if (!dateOnly && !full) {
    throw new NormalizationError(field, `"${s.slice(0, 60)}" is not an ISO 8601 date-time (expected e.g. 2019-06-04T15:02:00Z)`);
  }
  const ms = Date.parse(dateOnly ? `${s}T00:00:00Z` : s.replace(' ', 'T'));
  if (Number.isNaN(ms)) throw new NormalizationError(field, `"${s.slice(0, 60)}" is not a valid date-time`);
  return new Date(ms).toISOString();
}
