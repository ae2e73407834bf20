import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';

/** One app of the pipeline running as its own process. */
export interface AppProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The last lines the process printed (for error messages). */
  tail(): string;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const READY: Record<string, RegExp> = {
  api: /listening on/,
  ingest: /listening on/,
  'event-log-writer': /consuming/,
  projector: /running/,
};

/**
 * Start `apps/<name>/main.ts` as a process (`node -r bench/swc-hook.js`, so
 * the current sources run without depending on a shared `dist/`, which other
 * jobs on this machine rebuild with deleteOutDir) and wait for its ready line.
 */
export async function startApp(root: string, name: string, env: Record<string, string>, timeoutMs = 60_000): Promise<AppProcess> {
  // BENCH_CPU_PROF=1: each app writes a V8 CPU profile to bench/results/profiles/ when it stops.
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.join(root, 'bench', 'results', 'profiles')}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...prof, '-r', path.join(root, 'bench', 'swc-hook.js'), path.join(root, 'apps', name, 'main.ts')], {
    cwd: root,
    env: { ...process.env, ...env, LOG_LEVEL: 'log' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buf = '';
  const keep = (d: Buffer) => {
    buf = (buf + d.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready after ${timeoutMs} ms: ${buf.slice(-500)}`)), timeoutMs);
    const check = () => {
      if (READY[name].test(buf)) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready: ${buf.slice(-800)}`));
    });
  });
  return { name, child, pid: child.pid!, tail: () => buf.slice(-800) };
}

/** Peak resident set (VmHWM) of a running process, MB; null when unreadable. */
export function peakRssMb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/**
 * CPU time (user + system) a running process has used so far, ms (from
 * /proc/<pid>/stat, in clock ticks of 10 ms); null when unreadable. Less
 * noisy than wall time on a shared machine: it counts only this process's work.
 */
export function cpuMs(pid: number): number | null {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
}

/** SIGTERM the process (by its pid), SIGKILL after `graceMs`. */
export async function stopApp(p: AppProcess, graceMs = 15_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      p.child.kill('SIGKILL');
    }, graceMs);
    p.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    p.child.kill('SIGTERM');
  });
}
