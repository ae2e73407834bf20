import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectNats } from '@timeline/messaging';

/** A free TCP port on 127.0.0.1 (asked from the OS). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A NATS server for the demo: the one at `url`, or one started here. */
export interface NatsHandle {
  url: string;
  started: boolean;
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  try {
    const nc = await connectNats({ servers: url.split(','), timeoutMs: 1500, maxReconnectAttempts: 0 });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Use the NATS server at `url` if one answers; otherwise, if a `nats-server`
 * binary is on PATH, start one with JetStream in a temporary folder on a free
 * port (DESIGN.md decision 9).
 * @throws Error saying how to get one when neither works.
 */
export async function ensureNats(url: string): Promise<NatsHandle> {
  if (await answers(url)) return { url, started: false, stop: async () => undefined };
  const which = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' });
  const bin = which.stdout.trim();
  if (!bin) {
    throw new Error(
      `no NATS server answers at ${url} and no nats-server binary is on PATH.\n` +
        `  Start one with JetStream: nats-server -js   (Debian: apt-get install nats-server; or docker compose up -d nats)\n` +
        `  or point NATS_URL at a running server.`,
    );
  }
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'timeline-nats-'));
  const child = spawn(bin, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' });
  const started = `nats://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with code ${child.exitCode}`);
    if (await answers(started)) {
      return {
        url: started,
        started: true,
        stop: () => stopChild(child, 5000),
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`started nats-server on ${started} but it did not answer within 10 s`);
}

/** SIGTERM a child and wait for it to exit (SIGKILL after `graceMs`). */
export function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A running app process whose output goes to a log file. */
export interface AppProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** The last lines of its log (for error messages). */
  tail(lines?: number): string;
}

/** Spawn `node <main>` with `env`, logging to `<logDir>/<name>.log`. */
export function spawnApp(name: string, main: string, env: NodeJS.ProcessEnv, logDir: string): AppProcess {
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const out = createWriteStream(logFile, { flags: 'w' });
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  return {
    name,
    child,
    logFile,
    tail(lines = 15) {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
  };
}

/**
 * Poll `check` every `everyMs` until it returns true.
 * @throws Error with `what` when `timeoutMs` passes, or `failFast()` returns a message.
 */
export async function waitFor(what: string, check: () => Promise<boolean>, opts: { timeoutMs: number; everyMs?: number; failFast?: () => string | null }): Promise<void> {
  const end = Date.now() + opts.timeoutMs;
  for (;;) {
    const fail = opts.failFast?.();
    if (fail) throw new Error(fail);
    try {
      if (await check()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > end) throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 100));
  }
}
