import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** The line each app prints when it is ready. */
const READY: Record<string, RegExp> = {
  api: /listening on/,
  ingest: /listening on/,
  'event-log-writer': /consuming/,
  projector: /running/,
};

/** One app running as its own process, with everything it printed. */
export interface AppProc {
  name: string;
  child: ChildProcess;
  /** All of stdout + stderr so far. */
  output(): string;
  /** Wait for the process to exit by itself (e.g. a failed start). */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Send `signal` and wait for the exit: its code and how long it took (ms). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/**
 * Start `apps/<name>/main.ts` as a real process from the current sources
 * (`node -r bench/swc-hook.js`, as bench/run.ts does) and wait for its
 * ready line. `env` is added to this process's environment.
 * @param opts.ready false: do not wait (an app expected to fail at start).
 * @throws Error with the app's output when it exits before it is ready or is not ready in `timeoutMs`.
 */
export async function spawnApp(name: string, env: Record<string, string>, opts: { timeoutMs?: number; ready?: boolean } = {}): Promise<AppProc> {
  const child = spawn(process.execPath, ['-r', path.join(ROOT, 'bench', 'swc-hook.js'), path.join(ROOT, 'apps', name, 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  if (opts.ready !== false) {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const end = Date.now() + timeoutMs;
    while (!READY[name].test(out)) {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready:\n${out.slice(-2000)}`);
      if (Date.now() > end) {
        child.kill('SIGKILL');
        throw new Error(`${name} not ready after ${timeoutMs} ms:\n${out.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    name,
    child,
    output: () => out,
    exited: () => exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const t0 = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const r = await exited;
      return { ...r, ms: Date.now() - t0 };
    },
  };
}
