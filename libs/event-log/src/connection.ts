import { Pool } from 'pg';

/** Options of createPool. */
export interface CreatePoolOptions {
  /** Max connections of this pool (default 10; see EMBEDDED_POOL_MAX for the embedded server). */
  max?: number;
  /** `application_name` shown in pg_stat_activity (default `timeline`). */
  applicationName?: string;
  /** Called when a pooled connection fails, idle or checked out (e.g. the server restarted). Default: console.error. */
  onError?: (err: Error) => void;
}

/**
 * A pg.Pool for a `postgres://` URL. Adds `error` listeners to the pool and
 * to every client it opens (a connection dying, idle or checked out,
 * otherwise crashes the process with an unhandled 'error' event).
 * TLS: put `sslmode=require` (or verify-ca / verify-full with `sslrootcert=<file>`) in the URL.
 * No type parsers are changed: the event log selects bigint/xid8 as text.
 * @param url connection string, e.g. `postgres://root@127.0.0.1:5432/test`.
 */
export function createPool(url: string, opts: CreatePoolOptions = {}): Pool {
  const pool = new Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? 'timeline',
  });
  const onError = opts.onError ?? ((err: Error) => console.error(`postgres pool: connection error: ${err.message}`));
  pool.on('error', onError);
  // A CHECKED-OUT client has no pool listener: its connection dying between two
  // queries (a Postgres restart) emitted an unhandled 'error' and killed the
  // process. With this listener the next query fails instead (callers retry),
  // and pg-pool drops the broken client when it is released.
  pool.on('connect', (client) => {
    client.on('error', (err: Error) => {
      // Idle, the pool's own listener is attached too and reports it through pool 'error'.
      if (client.listenerCount('error') === 1) onError(err);
    });
  });
  return pool;
}
