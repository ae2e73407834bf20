import { Pool } from 'pg';

/** Options of createPool. */
export interface CreatePoolOptions {
  /** Max connections of this pool (default 10; see EMBEDDED_POOL_MAX for the embedded server). */
  max?: number;
  /** `application_name` shown in pg_stat_activity (default `timeline`). */
  applicationName?: string;
  /** Called when an IDLE pooled connection fails (e.g. the server restarted). Default: console.error. */
  onError?: (err: Error) => void;
}

/**
 * A pg.Pool for a `postgres://` URL. Adds `error` listeners (a client dying,
 * idle or checked out, otherwise crashes the process with an unhandled 'error' event).
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
  const onError = opts.onError ?? ((err: Error) => console.error(`postgres pool: idle client error: ${err.message}`));
  pool.on('error', onError);
  // A CHECKED-OUT client whose connection dies (server restart, pg_terminate_backend) emits 'error' too;
  // without a listener that crashes the process. The error also rejects the client's running query, which
  // is where callers handle it (the projector retries it as transient), so this listener only keeps it from crashing.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
