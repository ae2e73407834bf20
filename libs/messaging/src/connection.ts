import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, nkeyAuthenticator, errors, type ConnectionOptions, type NatsConnection } from './nats';
import { NatsConnectError } from './errors';
import { redactUrl } from '@timeline/config';

/** Default NATS URL when neither options nor `NATS_URL` name one. */
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/**
 * Options of {@link connectNats}. Every field is optional; unset fields come
 * from the environment (`NATS_URL`, `NATS_USER`, `NATS_PASSWORD`, `NATS_TOKEN`).
 */
export interface NatsConnectOptions {
  /** Server URL(s); default `NATS_URL` (comma-separated allowed) or `nats://127.0.0.1:4222`. */
  servers?: string | string[];
  /** Connection name shown by `nats server report connections` / monitoring. */
  name?: string;
  /** User name; default `NATS_USER`. */
  user?: string;
  /** Password; default `NATS_PASSWORD`. */
  pass?: string;
  /** Auth token; default `NATS_TOKEN`. */
  token?: string;
  /** Path of a NATS credentials file (user JWT + nkey seed, from `nsc`); default `NATS_CREDS_FILE`. */
  credsFile?: string;
  /** Path of a file holding an nkey user seed (`SU...`); default `NATS_NKEY_SEED_FILE`. */
  nkeySeedFile?: string;
  /**
   * Reconnect attempts after a lost connection; `-1` (default) = forever, so
   * a long-running service survives a NATS restart. The first connect is
   * never retried: it fails fast with {@link NatsConnectError}.
   */
  maxReconnectAttempts?: number;
  /** Delay between reconnect attempts, milliseconds (default 1000). */
  reconnectTimeWaitMs?: number;
  /** Timeout of the initial connect, milliseconds (default 5000). */
  timeoutMs?: number;
  /** Environment to read defaults from (default `process.env`); handy in tests. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Resolves the server list from options or `NATS_URL` (comma-separated) or
 * the default `nats://127.0.0.1:4222`.
 */
export function natsServersFromEnv(
  servers?: string | string[],
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const raw = servers ?? (env.NATS_URL && env.NATS_URL.trim() !== '' ? env.NATS_URL : DEFAULT_NATS_URL);
  const list = Array.isArray(raw) ? raw : raw.split(',');
  return list.map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * Builds the `@nats-io/transport-node` connection options from
 * {@link NatsConnectOptions} plus the environment.
 */
export function resolveNatsOptions(opts: NatsConnectOptions = {}): ConnectionOptions {
  const env = opts.env ?? process.env;
  const user = opts.user ?? (env.NATS_USER || undefined);
  const pass = opts.pass ?? (env.NATS_PASSWORD || undefined);
  const token = opts.token ?? (env.NATS_TOKEN || undefined);
  const o: ConnectionOptions = {
    servers: natsServersFromEnv(opts.servers, env),
    maxReconnectAttempts: opts.maxReconnectAttempts ?? -1,
    reconnectTimeWait: opts.reconnectTimeWaitMs ?? 1000,
    timeout: opts.timeoutMs ?? 5000,
  };
  if (opts.name) o.name = opts.name;
  if (user) o.user = user;
  if (pass) o.pass = pass;
  if (token) o.token = token;
  // Files are read at each (re)connect, so a rotated credentials file is picked up.
  const creds = opts.credsFile ?? (env.NATS_CREDS_FILE || undefined);
  const seed = opts.nkeySeedFile ?? (env.NATS_NKEY_SEED_FILE || undefined);
  if (creds) o.authenticator = credsAuthenticator(() => readFileSync(creds));
  else if (seed) o.authenticator = nkeyAuthenticator(() => new TextEncoder().encode(readFileSync(seed, 'utf8').trim()));
  return o;
}

/**
 * Connects to NATS (core connection; use `jetstream(nc)` /
 * `jetstreamManager(nc)` on it for JetStream).
 *
 * @returns an open connection that reconnects by itself (see
 *   {@link NatsConnectOptions.maxReconnectAttempts}); close it with
 *   `await nc.drain()` or `await nc.close()`.
 * @throws NatsConnectError when nothing answers ("no NATS server at
 *   nats://…: start one with `nats-server -js` or set NATS_URL") or when the
 *   server rejects the credentials.
 */
export async function connectNats(opts: NatsConnectOptions = {}): Promise<NatsConnection> {
  const options = resolveNatsOptions(opts);
  const servers = options.servers as string[];
  const where = redactUrl(servers.join(', '));
  try {
    return await connect(options);
  } catch (err) {
    if (err instanceof errors.AuthorizationError || err instanceof errors.UserAuthenticationExpiredError) {
      throw new NatsConnectError(
        `NATS at ${where} refused the credentials (${(err as Error).message}): check NATS_USER/NATS_PASSWORD, NATS_TOKEN, NATS_CREDS_FILE or NATS_NKEY_SEED_FILE`,
        servers,
        err,
      );
    }
    throw new NatsConnectError(
      `no NATS server at ${where}: start one with \`nats-server -js\` or set NATS_URL (${(err as Error).message})`,
      servers,
      err,
    );
  }
}
