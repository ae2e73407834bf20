import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddedPostgresOptions } from './embedded-postgres';

/** A server started by spawnEmbeddedPostgres. */
export interface SpawnedEmbeddedPostgres {
  readonly url: string;
  readonly pid: number;
  /** Stop the server (rolls back open transactions, closes PGlite) and wait for the child to exit. */
  stop(): Promise<void>;
}

/**
 * Run startEmbeddedPostgres in a CHILD Node process and return its url.
 *
 * Why a child: PGlite 0.5.14 loads its WASM with `await import('fs/promises')`,
 * which jest's VM refuses without --experimental-vm-modules (DESIGN.md
 * decision 1 avoids that flag), so PGlite cannot start inside a jest test.
 * A child process is also how the apps use it: one process owns the data dir,
 * the others connect over TCP. The child exits when its parent goes away.
 *
 * Works from the TypeScript sources (transpiled on the fly with the
 * `typescript` dev dependency) and from compiled JavaScript.
 * @param opts as startEmbeddedPostgres; `startTimeoutMs` (default 120000) bounds the first start.
 * @throws Error when the child fails or does not report a url in time.
 */
export async function spawnEmbeddedPostgres(
  opts: EmbeddedPostgresOptions & { startTimeoutMs?: number } = {},
): Promise<SpawnedEmbeddedPostgres> {
  const { startTimeoutMs = 120_000, ...serverOpts } = opts;
  const source = join(__dirname, __filename.endsWith('.ts') ? 'embedded-postgres.ts' : 'embedded-postgres.js');
  let code = readFileSync(source, 'utf8');
  let tmp: string | undefined;
  if (source.endsWith('.ts')) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('typescript') as typeof import('typescript');
    code = ts.transpileModule(code, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
  }
  tmp = mkdtempSync(join(tmpdir(), 'timeline-pglite-'));
  const compiled = join(tmp, 'embedded-postgres.js');
  writeFileSync(compiled, code);
  // Compile the module as if it lived at `source`, so '@electric-sql/pglite' resolves from the project.
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '-e',
      `
      const Module = require('module'); const fs = require('fs'); const path = require('path');
      const [file, src, optsJson] = process.argv.slice(1);
      const m = new Module(src, null); m.filename = src; m.paths = Module._nodeModulePaths(path.dirname(src));
      m._compile(fs.readFileSync(file, 'utf8'), src);
      m.exports.startEmbeddedPostgres(JSON.parse(optsJson)).then((s) => {
        let stopping = false;
        const stop = async () => { if (stopping) return; stopping = true; await s.stop().catch(() => {}); process.exit(0); };
        process.on('message', (msg) => { if (msg === 'stop') stop(); });
        process.on('disconnect', stop);
        process.send({ url: s.url });
      }, (err) => { console.error(err); process.exit(1); });
      `,
      compiled,
      source,
      JSON.stringify(serverOpts),
    ],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const cleanup = () => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    tmp = undefined;
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`embedded Postgres did not start within ${startTimeoutMs} ms`)), startTimeoutMs);
      child.once('message', (msg: { url?: string }) => {
        clearTimeout(timer);
        if (msg?.url) resolve(msg.url);
        else reject(new Error('embedded Postgres child sent no url'));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`embedded Postgres child exited with code ${code}`));
      });
    });
    return {
      url,
      pid: child.pid!,
      async stop() {
        if (child.exitCode === null && child.connected) child.send('stop');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
        cleanup();
      },
    };
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    cleanup();
    throw err;
  }
}
