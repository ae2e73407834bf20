/**
 * The Postgres event log adapter (DESIGN.md decisions 3-6, 9): migrations,
 * the append-only log with hash chains, gap-safe reads, checkpoints,
 * connections (pg pool, embedded PGlite) and test support. May import pg and
 * PGlite; never NestJS.
 */
export * from './types';
export * from './errors';
export * from './checkpoint';
export { DEFAULT_SCHEMA, quoteSchema } from './sql';
export * from './migrations';
export * from './event-log.migrations';
export * from './pg-event-log';
export * from './verify';
export * from './dead-letters';
export * from './connection';
export * from './testing/test-database';
export * from './testing/sample-events';
export * from './embedded-postgres';
export * from './embedded-child';
