/**
 * Helpers for integration tests against a real NATS server (not exported
 * from the package index; import from '@timeline/messaging/testing/...' or
 * relatively).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '../nats';

/** A short random id usable in stream, durable and subject names (`[a-z0-9]`). */
export function uniqueId(): string {
  return randomBytes(5).toString('hex');
}

/**
 * Polls `check` every `intervalMs` until it returns a truthy value (which is
 * returned) or `timeoutMs` passes (then throws, naming `what` and the last
 * value or error seen).
 */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 25 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<Exclude<T, undefined | null | false | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as Exclude<T, undefined | null | false | 0 | ''>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A promise that a test resolves by hand (`gate.open()`). */
export interface Gate {
  promise: Promise<void>;
  open(): void;
}

/** Creates a {@link Gate}. */
export function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/** A Nest `LoggerService` that records lines instead of printing them. */
export class RecordingLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string }> = [];
  log(message: unknown): void {
    this.lines.push({ level: 'log', message: String(message) });
  }
  error(message: unknown): void {
    this.lines.push({ level: 'error', message: String(message) });
  }
  warn(message: unknown): void {
    this.lines.push({ level: 'warn', message: String(message) });
  }
  debug(message: unknown): void {
    this.lines.push({ level: 'debug', message: String(message) });
  }
  /** Lines containing `text`. */
  matching(text: string): string[] {
    return this.lines.filter((l) => l.message.includes(text)).map((l) => l.message);
  }
}

/** NATS URL of the shared test server (`NATS_URL` or the default). */
export const natsUrl = (): string => process.env.NATS_URL || 'nats://127.0.0.1:4222';

/** Opens a JetStream manager on `url` and returns it with a `close()`. */
export async function openJsm(url = natsUrl()): Promise<{ jsm: JetStreamManager; close: () => Promise<void> }> {
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  return { jsm, close: () => nc.close() };
}

/** Deletes the given streams, ignoring ones that do not exist. */
export async function deleteStreams(jsm: JetStreamManager, ...names: string[]): Promise<void> {
  for (const name of names) {
    await jsm.streams.delete(name).catch(() => undefined);
  }
}

/** True when a `nats-server` binary is on PATH. */
export function hasNatsServerBinary(): boolean {
  return spawnSync('nats-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Finds a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A private `nats-server -js` on a free loopback port with its own store
 * directory, which a test can stop and start again (same port, same data)
 * to simulate a broker restart.
 */
export class PrivateNatsServer {
  private proc?: ChildProcess;
  readonly storeDir = mkdtempSync(join(tmpdir(), 'nats-js-'));

  private constructor(readonly port: number) {}

  /** Starts a server on a free port and waits until it accepts connections. */
  static async start(): Promise<PrivateNatsServer> {
    const s = new PrivateNatsServer(await freePort());
    await s.startAgain();
    return s;
  }

  /** `nats://127.0.0.1:<port>`. */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** (Re)starts the process on the same port and store, and waits until it answers. */
  async startAgain(): Promise<void> {
    this.proc = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], {
      stdio: 'ignore',
    });
    await waitFor(
      `nats-server on ${this.url}`,
      async () => {
        const nc = await connect({ servers: this.url, reconnect: false });
        try {
          await jetstreamManager(nc);
          return true;
        } finally {
          await nc.close();
        }
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
  }

  /** Stops the process (SIGTERM) and waits for it to exit. */
  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGTERM');
    await exited;
  }

  /** Stops the process and removes its store. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
