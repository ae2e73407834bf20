/**
 * Every setting of the service, read from environment variables with a
 * default each. The README's "Configuration" table is generated from the
 * same list (SETTINGS) so the two cannot drift.
 */
export interface Setting {
  env: string;
  default: string;
  doc: string;
}

export const SETTINGS: Setting[] = [
  { env: 'DATABASE_URL', default: '', doc: 'Postgres URL. Unset: the demo starts an embedded PGlite database; the apps require it.' },
  { env: 'DATABASE_SCHEMA', default: 'timeline', doc: 'Postgres schema holding the log and the read models.' },
  { env: 'PG_POOL_MAX', default: '10', doc: 'Connections per app process.' },
  { env: 'NATS_URL', default: 'nats://127.0.0.1:4222', doc: 'NATS server(s) with JetStream, comma-separated.' },
  { env: 'NATS_USER', default: '', doc: 'NATS user (with NATS_PASSWORD).' },
  { env: 'NATS_PASSWORD', default: '', doc: 'NATS password.' },
  { env: 'NATS_TOKEN', default: '', doc: 'NATS token (instead of user/password).' },
  { env: 'NATS_CREDS_FILE', default: '', doc: 'Path of a NATS credentials file (user JWT + nkey seed, as made by nsc); instead of user/password or token.' },
  { env: 'NATS_NKEY_SEED_FILE', default: '', doc: 'Path of a file holding a NATS nkey user seed (SU...); instead of the above.' },
  { env: 'JS_STREAM', default: 'TIMELINE', doc: 'JetStream stream name for item events.' },
  { env: 'JS_SUBJECT_PREFIX', default: 'timeline', doc: 'Subject prefix: items are published on <prefix>.items, wake-ups on <prefix>.log.appended.' },
  { env: 'JS_DURABLE', default: 'event-log-writer', doc: 'Durable pull consumer name shared by event-log-writer instances.' },
  { env: 'JS_MAX_DELIVER', default: '0', doc: 'Deliveries before a failing message goes to the dead-letter subject; 0 = retry transient failures forever (invalid messages are dead-lettered at once).' },
  { env: 'WRITER_BATCH_MAX', default: '100', doc: 'Largest number of messages the writer appends in one transaction.' },
  { env: 'WRITER_BATCH_WAIT_MS', default: '5', doc: 'How long the writer waits to fill a batch (ms).' },
  { env: 'PROJECTOR_POLL_MS', default: '200', doc: 'Projector polling fallback when no wake-up arrives (ms).' },
  { env: 'PROJECTOR_BATCH', default: '1000', doc: 'Events the projector folds per transaction.' },
  { env: 'PROJECTOR_MAX_ATTEMPTS', default: '5', doc: 'Non-transient failures of one event (invalid, not upcastable, or its handler throws) before the projector records it in dead_letters and skips it; backoff 200 ms doubling between attempts. Transient failures (database down) are retried forever.' },
  { env: 'PROJECTOR_STUCK_AFTER_S', default: '30', doc: 'GET /health answers 503 when events are pending and the projector checkpoint has not moved for this long (s).' },
  { env: 'API_PORT', default: '3000', doc: 'HTTP port of apps/api.' },
  { env: 'INGEST_PORT', default: '3001', doc: 'HTTP port of apps/ingest.' },
  { env: 'HOST', default: '127.0.0.1', doc: 'Interface the HTTP apps listen on.' },
  { env: 'ITEM_MAX_BYTES', default: '5242880', doc: 'Largest accepted item body (bytes); larger gets 413. An item whose events exceed the NATS server max_payload (1 MB by default) also gets 413.' },
  { env: 'FEED_MAX_BYTES', default: '52428800', doc: 'Largest accepted feed document (POST /feeds, a NewsML-G2 newsMessage, `timeline poll`), bytes; larger gets 413.' },
  { env: 'API_KEYS', default: '', doc: 'API keys, comma-separated `name:scope+scope:sha256hex` (scopes read, ingest, admin; the SHA-256 of the key, from `timeline keys hash`). Unset: no key is required (one warning at start).' },
  { env: 'READ_REQUIRES_KEY', default: 'false', doc: 'true: the read routes of apps/api also need a key with scope read (with API_KEYS set).' },
  { env: 'INGEST_RATE_LIMIT', default: '0', doc: 'Requests per minute one API key (or, without a key, one client IP) may send to POST /items and /feeds; more get 429 with Retry-After. 0 = no limit (the default, so bulk loads and tests are not throttled; set it in production).' },
  { env: 'SHUTDOWN_GRACE_MS', default: '10000', doc: 'How long an app may take to stop on SIGTERM (ms).' },
  { env: 'TEST_DATABASE_URL', default: 'postgres://root@127.0.0.1:5432/test', doc: 'Postgres used by `npm test` (each test makes its own schema).' },
  { env: 'FAULTS_ITEMS', default: '10000', doc: '`npm run test:faults`: generated items per run.' },
  { env: 'FAULTS_ROUNDS', default: '20', doc: '`npm run test:faults`: random app kills (SIGKILL + restart) in the faults run.' },
  { env: 'FAULTS_ITEMS_PER_STORY', default: '5', doc: '`npm run test:faults`: generated items per story.' },
  { env: 'FAULTS_SEED', default: '', doc: '`npm run test:faults`: seed of the fault schedule and the items (unset: random, printed).' },
  { env: 'FAULTS_SCENARIOS', default: 'clean,faults,scale-out', doc: '`npm run test:faults`: runs to do; the others are compared with the first.' },
  { env: 'LOG_LEVEL', default: 'log', doc: 'Nest log level: error, warn, log, debug, verbose.' },
];

export interface TimelineConfig {
  databaseUrl: string | undefined;
  databaseSchema: string;
  pgPoolMax: number;
  natsUrl: string;
  natsUser?: string;
  natsPassword?: string;
  natsToken?: string;
  stream: string;
  /** PROJECTOR_MAX_ATTEMPTS. */
  projectorMaxAttempts: number;
  /** PROJECTOR_STUCK_AFTER_S. */
  projectorStuckAfterS: number;
  /** API_KEYS, raw (parsed by the api/ingest auth guard). */
  apiKeys: string;
  /** READ_REQUIRES_KEY. */
  readRequiresKey: boolean;
  /** INGEST_RATE_LIMIT, requests per minute per key or IP (0 = off). */
  ingestRateLimit: number;
  /** SHUTDOWN_GRACE_MS. */
  shutdownGraceMs: number;
  subjectPrefix: string;
  itemsSubject: string;
  appendedSubject: string;
  deadLetterSubject: string;
  durable: string;
  maxDeliver: number;
  writerBatchMax: number;
  writerBatchWaitMs: number;
  projectorPollMs: number;
  projectorBatch: number;
  apiPort: number;
  ingestPort: number;
  host: string;
  itemMaxBytes: number;
  /** Largest feed document, bytes (FEED_MAX_BYTES). */
  feedMaxBytes: number;
  logLevel: string;
}

/** Thrown for a setting that is present but unusable; names the variable. */
export class ConfigError extends Error {}

/**
 * Read the configuration from `env` (default `process.env`).
 * @throws ConfigError naming the variable when a number or name is malformed.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): TimelineConfig {
  const get = (name: string) => {
    const v = env[name];
    return v === undefined || v === '' ? SETTINGS.find((s) => s.env === name)!.default : v;
  };
  const int = (name: string) => {
    const v = Number(get(name));
    if (!Number.isSafeInteger(v) || v < 0) throw new ConfigError(`${name} must be a whole number, got "${get(name)}"`);
    return v;
  };
  const bool = (name: string) => {
    const v = get(name).toLowerCase();
    if (v !== 'true' && v !== 'false') throw new ConfigError(`${name} must be true or false, got "${get(name)}"`);
    return v === 'true';
  };
  const schema = get('DATABASE_SCHEMA');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new ConfigError(`DATABASE_SCHEMA must be a lower-case SQL identifier, got "${schema}"`);
  const prefix = get('JS_SUBJECT_PREFIX');
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) throw new ConfigError(`JS_SUBJECT_PREFIX must be a NATS subject without wildcards, got "${prefix}"`);
  const opt = (name: string) => (get(name) === '' ? undefined : get(name));
  return {
    databaseUrl: opt('DATABASE_URL'),
    databaseSchema: schema,
    pgPoolMax: int('PG_POOL_MAX'),
    natsUrl: get('NATS_URL'),
    natsUser: opt('NATS_USER'),
    natsPassword: opt('NATS_PASSWORD'),
    natsToken: opt('NATS_TOKEN'),
    stream: get('JS_STREAM'),
    projectorMaxAttempts: Math.max(1, int('PROJECTOR_MAX_ATTEMPTS')),
    projectorStuckAfterS: int('PROJECTOR_STUCK_AFTER_S'),
    apiKeys: get('API_KEYS'),
    readRequiresKey: bool('READ_REQUIRES_KEY'),
    ingestRateLimit: int('INGEST_RATE_LIMIT'),
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS'),
    subjectPrefix: prefix,
    itemsSubject: `${prefix}.items`,
    appendedSubject: `${prefix}.log.appended`,
    deadLetterSubject: `${prefix}.dead-letter`,
    durable: get('JS_DURABLE'),
    maxDeliver: int('JS_MAX_DELIVER'),
    writerBatchMax: Math.max(1, int('WRITER_BATCH_MAX')),
    writerBatchWaitMs: int('WRITER_BATCH_WAIT_MS'),
    projectorPollMs: Math.max(10, int('PROJECTOR_POLL_MS')),
    projectorBatch: Math.max(1, int('PROJECTOR_BATCH')),
    apiPort: int('API_PORT'),
    ingestPort: int('INGEST_PORT'),
    host: get('HOST'),
    itemMaxBytes: int('ITEM_MAX_BYTES'),
    feedMaxBytes: int('FEED_MAX_BYTES'),
    logLevel: get('LOG_LEVEL'),
  };
}

/** DATABASE_URL or a clear error for an app that cannot run without one. */
export function requireDatabaseUrl(cfg: TimelineConfig): string {
  if (!cfg.databaseUrl) {
    throw new ConfigError('DATABASE_URL is not set: point it at Postgres (e.g. postgres://root@127.0.0.1:5432/timeline), or use `timeline demo`, which starts an embedded database.');
  }
  return cfg.databaseUrl;
}

/**
 * A URL (or comma-separated URLs) fit for a log line or an error message:
 * the password of `user:password@` (or a bare `token@`) and `password=` /
 * `sslpassword=` query parameters become `***`.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/\/\/([^:@/,\s]+):[^@/,\s]*@/g, '//$1:***@')
    .replace(/\/\/([^:@/,\s]+)@/g, '//***@')
    .replace(/([?&](?:ssl)?password=)[^&,\s]*/gi, '$1***');
}
