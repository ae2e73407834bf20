import { Writable } from 'node:stream';
import { Command } from 'commander';
import { registerAuditCommands } from '../../apps/cli/audit.command';

/** Run a `timeline …` command line in-process, capturing stdout/stderr and the exit code. */
export async function runCommand(env: Record<string, string | undefined>, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (fn: (s: string) => void) => new Writable({ write: (c, _e, cb) => (fn(String(c)), cb()) });
  const program = registerAuditCommands(new Command('timeline').exitOverride(), {
    out: sink((s) => (out += s)),
    err: sink((s) => (err += s)),
    env,
  });
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'timeline', ...args]);
    return { code: Number(process.exitCode ?? 0), out, err };
  } finally {
    process.exitCode = before;
  }
}
