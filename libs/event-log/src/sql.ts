/** Default Postgres schema of every table of the service (DESIGN.md: tests isolate by schema). */
export const DEFAULT_SCHEMA = 'timeline';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Check a schema name and return it double-quoted for interpolation into SQL.
 * Only lower-case ASCII identifiers (`[a-z_][a-z0-9_]{0,62}`) are accepted, so
 * the name is never a vector for SQL injection and needs no case folding.
 * @throws Error when the name is not such an identifier.
 */
export function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid schema name "${schema}": use [a-z_][a-z0-9_]{0,62}`);
  }
  return `"${schema}"`;
}

/** Postgres SQLSTATEs after which the whole transaction may simply be retried. */
export const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/** The SQLSTATE of a pg error, if any. */
export function sqlState(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}
