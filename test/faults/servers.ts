import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../bench/suite/procs';

/** Wait until `probe` resolves true (checked every 100 ms) or throw after `timeoutMs`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`${what}: not reached after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A private PostgreSQL cluster for the fault suite, so it can be restarted
 * without touching the machine's shared server: initdb into a temp folder,
 * the server on a free port of 127.0.0.1 (trust auth, superuser `root`,
 * fsync on). initdb refuses to run as root, so when this process is root
 * both initdb and the server run as the `postgres` user (runuser).
 */
export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
    private readonly asUser: string | null,
  ) {}

  /** Server URL without a database. */
  get serverUrl(): string {
    return `postgres://root@127.0.0.1:${this.port}`;
  }

  /** initdb + start; creates database `database`. */
  static async start(database: string): Promise<PrivatePostgres> {
    const bin = findPgBin();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'timeline-faults-pg-'));
    const asUser = process.getuid?.() === 0 ? 'postgres' : null;
    if (asUser) {
      const uid = Number(execFileSync('id', ['-u', asUser], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', asUser], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
    }
    const pg = new PrivatePostgres(dir, await freePort(), bin, asUser);
    pg.run('initdb', ['-D', pg.data, '-U', 'root', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
    await pg.startServer();
    const c = new Client({ connectionString: `${pg.serverUrl}/postgres` });
    await c.connect();
    await c.query(`CREATE DATABASE "${database}"`);
    await c.end();
    return pg;
  }

  private get data(): string {
    return path.join(this.dir, 'data');
  }

  private run(tool: string, args: string[]): string {
    const exe = path.join(this.bin, tool);
    const [cmd, argv] = this.asUser ? ['runuser', ['-u', this.asUser, '--', exe, ...args]] : [exe, args];
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: this.dir });
  }

  /** pg_ctl start (fsync on: the server's default, stated explicitly), then wait for connections. */
  async startServer(): Promise<void> {
    const opts = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dir} -c fsync=on -c synchronous_commit=on -c max_connections=200`;
    this.run('pg_ctl', ['start', '-w', '-D', this.data, '-l', path.join(this.dir, 'server.log'), '-o', opts]);
    await waitFor('private postgres accepts connections', async () => {
      const c = new Client({ connectionString: `${this.serverUrl}/postgres` });
      await c.connect();
      await c.end();
      return true;
    });
  }

  /**
   * Restart as after a crash: `pg_ctl stop -m immediate` (no shutdown
   * checkpoint; every client connection is cut) and start (WAL recovery).
   * @returns ms from the stop until the server accepted a connection again.
   */
  async crashRestart(): Promise<number> {
    const t0 = Date.now();
    this.run('pg_ctl', ['stop', '-w', '-D', this.data, '-m', 'immediate']);
    await this.startServer();
    return Date.now() - t0;
  }

  /** Stop the server and delete its folder. */
  async destroy(): Promise<void> {
    try {
      this.run('pg_ctl', ['stop', '-w', '-D', this.data, '-m', 'fast']);
    } catch {
      /* already stopped */
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function findPgBin(): string {
  if (process.env.FAULTS_PG_BIN) return process.env.FAULTS_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(path.join(root, v, 'bin', 'initdb'))) return path.join(root, v, 'bin');
  throw new Error('no PostgreSQL server binaries found (initdb, pg_ctl): install postgresql or set FAULTS_PG_BIN to their folder');
}

/** A private nats-server with JetStream (file store in a temp folder) on a free port. */
export class PrivateNats {
  private child: ChildProcess | null = null;
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateNats> {
    const bin = process.env.FAULTS_NATS_BIN ?? ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p));
    if (!bin) throw new Error('nats-server not found: install it or set FAULTS_NATS_BIN');
    const n = new PrivateNats(mkdtempSync(path.join(os.tmpdir(), 'timeline-faults-nats-')), await freePort(), bin);
    await n.startServer();
    return n;
  }

  async startServer(): Promise<void> {
    this.child = spawn(this.bin, ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.dir], { stdio: 'ignore' });
    await waitFor('private nats-server accepts connections', async () => {
      const { connect } = await import('node:net');
      return new Promise<boolean>((resolve) => {
        const s = connect(this.port, '127.0.0.1', () => {
          s.end();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      });
    });
  }

  /**
   * Kill the server (SIGKILL: acknowledged messages are in the file store's
   * page cache) and start it again on the same port and store.
   * @returns ms from the kill until the port answered again.
   */
  async crashRestart(): Promise<number> {
    const t0 = Date.now();
    await this.kill();
    await this.startServer();
    return Date.now() - t0;
  }

  private async kill(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
