/**
 * Audit logic, pure (no Nest, pg or NATS): replay bounds, as-of replay with
 * the shared `evolve`, timeline diffs, statement histories, and audit bundles
 * (export + offline verification).
 */
export * from './bounds';
export * from './event-ref';
export * from './replay';
export * from './family';
export * from './diff';
export * from './history';
export * from './bundle';
