import { BadRequestException, ParseUUIDPipe } from '@nestjs/common';
import { Medium, RelationType, StatementKind } from '@timeline/events';
import { CursorError, CursorKind, decodeCursor, TimelineFilter } from '@timeline/read-model';

/**
 * Parsing of the query API's query parameters. Every problem is a 400 with
 * `{ statusCode: 400, message, field }`, `field` naming the parameter
 * (the same shape as the audit endpoints' errors).
 */

/** A 400 naming the parameter. */
export function badParam(field: string, message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, message, field });
}

/**
 * A ParseUUIDPipe whose 400 names the path parameter
 * (`{ statusCode: 400, message, field }`, like every other bad parameter).
 */
export function uuidParam(field = 'id'): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => badParam(field, `${field} must be a UUID such as 0b6c3a52-5d3e-5f0a-9d1e-7c2b4a6e8f10`) });
}

/** The single string value of a parameter (express gives arrays for `?a=1&a=2` and objects for `?a[b]=1`). */
export function single(field: string, v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badParam(field, `${field} must be given once, as a plain value`);
  return v;
}

/** `limit`: a whole number from 1 to `max` (default `def`). */
export function parseLimit(v: unknown, def: number, max: number, field = 'limit'): number {
  const s = single(field, v);
  if (s === undefined) return def;
  if (!/^[0-9]+$/.test(s) || Number(s) < 1 || Number(s) > max) throw badParam(field, `${field} must be a whole number from 1 to ${max}, got "${s}"`);
  return Number(s);
}

/** A calendar day YYYY-MM-DD that exists (2019-02-30 is refused). */
export function parseDay(v: unknown, field: string): string | undefined {
  const s = single(field, v);
  if (s === undefined) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || d.toISOString().slice(0, 10) !== s) throw badParam(field, `${field} must be a calendar day YYYY-MM-DD, got "${s}"`);
  return s;
}

/** `from` and `to` days; `from` after `to` is a 400 naming `from`. */
export function parseDayRange(from: unknown, to: unknown): { from?: string; to?: string } {
  const f = parseDay(from, 'from');
  const t = parseDay(to, 'to');
  if (f !== undefined && t !== undefined && f > t) throw badParam('from', `from (${f}) lies after to (${t})`);
  return { from: f, to: t };
}

/** One of a closed list of values. */
export function parseEnum<T extends string>(v: unknown, field: string, values: readonly T[]): T | undefined {
  const s = single(field, v);
  if (s === undefined) return undefined;
  if (!values.includes(s as T)) throw badParam(field, `${field} must be one of ${values.map((x) => `"${x}"`).join(', ')}, got "${s}"`);
  return s as T;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A uuid (lower-cased). */
export function parseUuid(v: unknown, field: string): string | undefined {
  const s = single(field, v);
  if (s === undefined) return undefined;
  if (!UUID.test(s)) throw badParam(field, `${field} must be a uuid, got "${s}"`);
  return s.toLowerCase();
}

/** Free text search: trimmed, at most 200 characters; empty means none. */
export function parseSearch(v: unknown, field = 'q'): string | undefined {
  const s = single(field, v)?.trim();
  if (!s) return undefined;
  if (s.length > 200) throw badParam(field, `${field} must be at most 200 characters`);
  return s;
}

/** An opaque cursor issued for `kind`. */
export function parseCursor<T>(v: unknown, kind: CursorKind, valid: (x: unknown) => x is T, field = 'cursor'): T | undefined {
  const s = single(field, v);
  if (s === undefined || s === '') return undefined;
  try {
    return decodeCursor(kind, s, valid);
  } catch (err) {
    if (err instanceof CursorError) throw badParam(field, err.message);
    throw err;
  }
}

/** The timeline filters: speaker (uuid), from / to (days), kind, medium, relation. */
export function parseTimelineFilter(q: Record<string, unknown>): TimelineFilter {
  const f: TimelineFilter = {
    speaker: parseUuid(q.speaker, 'speaker'),
    ...parseDayRange(q.from, q.to),
    kind: parseEnum(q.kind, 'kind', StatementKind.options),
    medium: parseEnum(q.medium, 'medium', Medium.options),
    relation: parseEnum(q.relation, 'relation', RelationType.options),
  };
  for (const k of Object.keys(f) as Array<keyof TimelineFilter>) if (f[k] === undefined) delete f[k];
  return f;
}
