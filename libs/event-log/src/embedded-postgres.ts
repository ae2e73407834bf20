import type { PGlite } from '@electric-sql/pglite';

/**
 * Recommended `max` of each application's pg.Pool against the embedded
 * server. PGlite runs ONE Postgres session, so extra connections add no
 * throughput; 4 keeps an app responsive (e.g. a health check while a batch
 * runs) without needing many server slots.
 */
export const EMBEDDED_POOL_MAX = 4;

/** Default server connection limit: 4 apps x EMBEDDED_POOL_MAX, plus slack for a CLI and migrations. */
export const EMBEDDED_MAX_CONNECTIONS = 24;

/** Default time a connection waits for the session before it gets SQLSTATE 55P03. */
export const EMBEDDED_SESSION_WAIT_MS = 30_000;

/** Options of startEmbeddedPostgres. */
export interface EmbeddedPostgresOptions {
  /** Directory of the database files (kept across restarts); omit for an in-memory database. */
  dataDir?: string;
  /** TCP port (default 0 = any free port; read it from the returned url). */
  port?: number;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** Server connection limit over ALL client processes (default EMBEDDED_MAX_CONNECTIONS). */
  maxConnections?: number;
  /** How long a connection may wait for the single session (default EMBEDDED_SESSION_WAIT_MS). */
  sessionWaitMs?: number;
}

/** A running embedded server. */
export interface EmbeddedPostgres {
  /** `postgres://postgres@<host>:<port>/postgres`, for createPool in any process. */
  readonly url: string;
  readonly port: number;
  /** The PGlite instance (same process only). */
  readonly db: PGlite;
  /** Close the socket server (rolling back an open transaction) and the database. */
  stop(): Promise<void>;
}

/**
 * Start an embedded Postgres (PGlite 0.5.14, Postgres 18 in WASM) behind a
 * TCP socket (pglite-socket 0.2.17), so app processes connect with an
 * ordinary pg.Pool (DESIGN.md decision 9). The first start of a data dir runs
 * initdb and takes several seconds (8-10 s measured); later starts are faster.
 *
 * Run it in ONE process (a data dir cannot be opened twice) and pass `url`
 * to the others.
 *
 * Correctness with several connections. PGlite is a single Postgres session.
 * pglite-socket 0.2.17 queues protocol MESSAGES from all connections and
 * only keeps a connection's messages together while `isInTransaction()`; an
 * extended-protocol query outside BEGIN (Parse, Bind, Describe, Execute,
 * Sync) from one connection can be interleaved with another's when its
 * messages arrive in separate TCP reads (large parameters): Bind then binds
 * the OTHER connection's unnamed statement (seen in a stress test: "bind
 * message supplies 2 parameters, but prepared statement "" requires 1", and
 * with matching shapes it would silently run the wrong SQL). This function
 * therefore replaces the server's queue with SessionQueue, which gives one
 * connection the session from its first message until a protocol boundary
 * (Sync, a simple Query, or the startup message) at which no transaction
 * block is open. Effects and limits, for every client:
 *
 * - Transactions of different connections (and processes) never interleave:
 *   they run one after another. Row locks and `FOR UPDATE` never contend;
 *   `pg_snapshot_xmin(pg_current_snapshot())` then always covers every
 *   committed transaction, and gap-safe reads stay correct.
 * - A connection that holds a transaction and waits for ANOTHER connection
 *   (of any process) stalls it: the other gets SQLSTATE 55P03 after
 *   `sessionWaitMs`. Inside a transaction, run every query on the
 *   transaction's client (PgEventLog: pass `client`).
 * - Session state is shared by all connections: no session `SET` (use
 *   `SET LOCAL`), no named prepared statements (pg `name:`), no LISTEN,
 *   no session advisory locks (they never block). Cancel requests are ignored.
 * - `maxConnections` counts all processes: give each app pool
 *   `max: EMBEDDED_POOL_MAX` (4 apps x 4 = 16 <= 24). A connection beyond
 *   the limit is refused.
 * - Checked on PGlite 0.5.14: `xid8`, `pg_current_xact_id()`,
 *   `pg_current_snapshot()`, `pg_snapshot_xmin()`, `pg_advisory_xact_lock`
 *   and `hashtextextended` work; the event log migrations apply unchanged.
 *
 * @throws Error when the port is taken, or when pglite-socket's internals
 *   differ from 0.2.17 (the queue replacement then refuses to start).
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  // Loaded on demand: apps on a real Postgres never load the WASM build.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = opts.dataDir ? await PGlite.create(opts.dataDir) : await PGlite.create();
  const host = opts.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({
    db,
    host,
    port: opts.port ?? 0,
    maxConnections: opts.maxConnections ?? EMBEDDED_MAX_CONNECTIONS,
  });
  const internals = server as unknown as { queryQueue?: unknown };
  if (!internals.queryQueue || typeof (internals.queryQueue as { enqueue?: unknown }).enqueue !== 'function') {
    await db.close();
    throw new Error('pglite-socket internals changed (no queryQueue): the session queue cannot be installed; pin 0.2.17');
  }
  const queue = new SessionQueue(db, opts.sessionWaitMs ?? EMBEDDED_SESSION_WAIT_MS);
  internals.queryQueue = queue;
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  const conn = server.getServerConn();
  const port = Number(conn.slice(conn.lastIndexOf(':') + 1));
  let stopped = false;
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    port,
    db,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await queue.idle();
      await db.close();
    },
  };
}

const TYPE_QUERY = 0x51; // 'Q'
const TYPE_SYNC = 0x53; // 'S'
const TYPE_TERMINATE = 0x58; // 'X'
const SYNC_MESSAGE = new Uint8Array([TYPE_SYNC, 0, 0, 0, 4]);

/** Whether a protocol message is a StartupMessage (no type byte; protocol 3.0 code at offset 4). */
function isStartup(m: Uint8Array): boolean {
  return m.length >= 8 && m[4] === 0 && m[5] === 3 && m[6] === 0 && m[7] === 0;
}

/** A backend ErrorResponse message (severity ERROR unless given). */
export function errorResponse(code: string, message: string, severity = 'ERROR'): Uint8Array {
  const fields = [`S${severity}`, `V${severity}`, `C${code}`, `M${message}`];
  const body = Buffer.concat([...fields.map((f) => Buffer.from(f + '\0', 'utf8')), Buffer.from([0])]);
  const head = Buffer.alloc(5);
  head[0] = 0x45; // 'E'
  head.writeInt32BE(body.length + 4, 1);
  return new Uint8Array(Buffer.concat([head, body]));
}

/** A ReadyForQuery message with transaction status 'I' (idle). */
function readyForQueryIdle(): Uint8Array {
  return new Uint8Array([0x5a, 0, 0, 0, 5, 0x49]);
}

interface Waiter {
  handlerId: number;
  grant: (ok: boolean) => void;
  timer: NodeJS.Timeout;
}

/**
 * Drop-in replacement for pglite-socket 0.2.17's internal QueryQueueManager
 * (same methods, called by its connection handlers): session ownership
 * instead of per-message FIFO. A connection owns the single PGlite session
 * from its first message until a boundary (Sync, Query, startup) at which
 * `db.isInTransaction()` is false, and runs one connection's messages in
 * order; others wait in FIFO order, at most
 * `waitMs`, then get ErrorResponse 55P03 (and their pending extended-protocol
 * messages are discarded up to their Sync, as a real server does after an error).
 * Exported for tests; use startEmbeddedPostgres.
 */
export class SessionQueue {
  private owner: number | null = null;
  private waiters: Waiter[] = [];
  private readonly discarding = new Set<number>();
  private readonly tails = new Map<number, Promise<void>>();
  private running = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly db: PGlite,
    private readonly waitMs: number,
  ) {}

  /**
   * Called by a pglite-socket handler for each complete protocol message; resolves with bytes sent.
   * Messages of one handler run strictly in call order: pglite-socket 0.2.17 runs one parse loop per
   * socket 'data' event, so two loops of one connection can call enqueue concurrently.
   */
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    const prev = this.tails.get(handlerId) ?? Promise.resolve();
    const run = prev.then(() => this.process(handlerId, message, onData));
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(handlerId, tail);
    void tail.then(() => {
      if (this.tails.get(handlerId) === tail) this.tails.delete(handlerId);
    });
    return run;
  }

  private async process(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    const startup = isStartup(message);
    const type = startup ? 0 : message[0];
    // Terminate: the client closes its socket next; the handler's detach cleans up. Never forwarded.
    if (type === TYPE_TERMINATE) return 0;
    if (this.discarding.has(handlerId)) {
      if (type === TYPE_SYNC) {
        this.discarding.delete(handlerId);
        onData(readyForQueryIdle());
      }
      return 0;
    }
    if (this.owner !== handlerId && !(await this.acquire(handlerId))) {
      const msg =
        `embedded PGlite: waited ${this.waitMs} ms for the single database session, held by another connection ` +
        `(a transaction waiting on this connection? run every query of a transaction on its own client)`;
      onData(errorResponse('55P03', msg, startup ? 'FATAL' : 'ERROR'));
      if (type === TYPE_QUERY || type === TYPE_SYNC) onData(readyForQueryIdle());
      else if (!startup) this.discarding.add(handlerId);
      return 0;
    }
    let bytes = 0;
    this.running += 1;
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(message, {
          onRawData: (d) => {
            bytes += d.length;
            onData(d);
          },
        }),
      );
    } finally {
      this.running -= 1;
    }
    if ((startup || type === TYPE_QUERY || type === TYPE_SYNC) && !this.db.isInTransaction()) this.release(handlerId);
    this.notifyIdle();
    return bytes;
  }

  /** Number of connections waiting for the session (pglite-socket's getStats). */
  getQueueLength(): number {
    return this.waiters.length;
  }

  /** A disconnecting handler: stop its waits. */
  clearQueueForHandler(handlerId: number): void {
    const mine = this.waiters.filter((w) => w.handlerId === handlerId);
    this.waiters = this.waiters.filter((w) => w.handlerId !== handlerId);
    for (const w of mine) {
      clearTimeout(w.timer);
      w.grant(false);
    }
    this.discarding.delete(handlerId);
  }

  /** A disconnecting handler: if it owns the session, end its protocol sequence, roll back, release. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    this.running += 1;
    try {
      await this.db.runExclusive(() => this.db.execProtocolRawStream(SYNC_MESSAGE, { onRawData: () => undefined }));
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    } catch {
      // the database is closing; nothing to roll back into
    } finally {
      this.running -= 1;
      this.release(handlerId);
      this.notifyIdle();
    }
  }

  /** Resolves when no message is executing. */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private acquire(handlerId: number): Promise<boolean> {
    if (this.owner === null && this.waiters.length === 0) {
      this.owner = handlerId;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const w: Waiter = {
        handlerId,
        grant: resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          resolve(false);
        }, this.waitMs),
      };
      this.waiters.push(w);
    });
  }

  private release(handlerId: number): void {
    if (this.owner !== handlerId) return;
    this.owner = null;
    const next = this.waiters.shift();
    if (next) {
      clearTimeout(next.timer);
      this.owner = next.handlerId;
      next.grant(true);
    }
  }

  private notifyIdle(): void {
    if (this.running !== 0) return;
    const w = this.idleWaiters.splice(0);
    for (const f of w) f();
  }
}
