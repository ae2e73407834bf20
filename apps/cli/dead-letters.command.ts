import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { loadConfig, requireDatabaseUrl, TimelineConfig } from '@timeline/config';
import { createPool, DeadLetter, listDeadLetters, markRedriven, PgEventLog } from '@timeline/event-log';
import { jetstream } from '@nats-io/jetstream';
import { connectNats } from '@timeline/messaging';
import { redriveProjectorDeadLetters } from '@timeline/read-model';
import { hashApiKey, SCOPES } from '@timeline/runtime';

/** Where the dead-letter commands write and which environment they read. */
export interface DeadLettersIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  env?: Record<string, string | undefined>;
}

/** Outcome of one redriven dead letter. */
export interface RedriveOutcome {
  id: string;
  source: string;
  ok: boolean;
  detail: string;
}

/**
 * Redrive dead letters (all pending ones when `ids` is empty):
 * - `writer`: the stored message body is published again to the items
 *   subject (`<prefix>.items`, a fresh JetStream message without the old
 *   msgID, so JetStream's duplicate window does not drop it; the writer
 *   dedupes by event id, so an item appended meanwhile is not doubled), then
 *   marked redriven. If it fails again, the writer records a new dead letter.
 * - `projector:<name>`: the story is re-folded from its stream with the
 *   redriven event included (redriveProjectorDeadLetters): deploy the fix
 *   (an upcaster, a handler fix) first; an event that still fails stays pending.
 * @throws ConfigError when DATABASE_URL is unset; Error for an unknown id.
 */
export async function redriveDeadLetters(ids: string[], cfg: TimelineConfig): Promise<RedriveOutcome[]> {
  for (const id of ids) if (!/^[1-9][0-9]{0,18}$/.test(id)) throw new Error(`dead letter id must be a whole number, got "${id}"`);
  const pool = createPool(requireDatabaseUrl(cfg), { max: 2, applicationName: 'timeline-dead-letters' });
  try {
    const letters = await listDeadLetters(pool, cfg.databaseSchema, ids.length ? { ids, limit: ids.length } : { pendingOnly: true, limit: 100_000 });
    const missing = ids.filter((id) => !letters.some((d) => d.id === id));
    if (missing.length) throw new Error(`no dead letter with id ${missing.join(', ')}`);
    const out: RedriveOutcome[] = [];
    const writer = letters.filter((d) => d.source === 'writer');
    if (writer.length) {
      const nc = await connectNats({ servers: cfg.natsUrl.split(','), name: 'timeline-dead-letters', user: cfg.natsUser, pass: cfg.natsPassword, token: cfg.natsToken });
      try {
        for (const d of writer) {
          try {
            const body = d.payloadEncoding === 'base64' ? Buffer.from(d.payload, 'base64') : Buffer.from(d.payload, 'utf8');
            await jetstream(nc).publish(cfg.itemsSubject, body, { msgID: `redrive:${d.id}:${randomBytes(4).toString('hex')}` });
            await markRedriven(pool, cfg.databaseSchema, [d.id]);
            out.push({ id: d.id, source: d.source, ok: true, detail: `republished to ${cfg.itemsSubject}` });
          } catch (err) {
            out.push({ id: d.id, source: d.source, ok: false, detail: (err as Error).message });
          }
        }
      } finally {
        await nc.drain().catch(() => undefined);
      }
    }
    const projector = letters.filter((d) => d.source !== 'writer');
    if (projector.length) {
      const log = new PgEventLog(pool, { schema: cfg.databaseSchema });
      for (const r of await redriveProjectorDeadLetters(pool, log, cfg.databaseSchema, projector)) {
        out.push({ id: r.id, source: projector.find((d) => d.id === r.id)!.source, ok: r.ok, detail: r.detail });
      }
    }
    return out;
  } finally {
    await pool.end();
  }
}

function line(d: DeadLetter): string {
  const where = d.source === 'writer' ? `${d.stream}#${d.streamSeq} ${d.subject ?? ''}` : `global position ${d.globalPosition} story ${d.storyId ?? '?'}`;
  return `${d.id.padStart(5)}  ${d.redrivenAt ? 'redriven' : 'pending '}  ${d.source.padEnd(20)} ${where}  attempts ${d.attempts}  last ${d.lastFailedAt}\n       ${d.error}`;
}

/** `timeline dead-letters list|redrive` and `timeline keys hash|new`. */
export function registerDeadLetterCommands(program: Command, io: DeadLettersIo = { out: process.stdout, err: process.stderr }): Command {
  const dl = program.command('dead-letters').description('What the writer and the projector gave up on (table dead_letters; also GET /dead-letters). Needs DATABASE_URL.');
  dl.command('list')
    .description('List dead letters, newest first.')
    .option('--all', 'include redriven ones')
    .option('--json', 'print JSON')
    .option('--limit <n>', 'at most n', '100')
    .action(async (o) => {
      const cfg = loadConfig(io.env ?? process.env);
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit must be a positive whole number, got "${o.limit}"`);
      const pool = createPool(requireDatabaseUrl(cfg), { max: 1, applicationName: 'timeline-dead-letters' });
      try {
        const rows = await listDeadLetters(pool, cfg.databaseSchema, { pendingOnly: !o.all, limit });
        io.out.write(o.json ? JSON.stringify(rows, null, 2) + '\n' : rows.length ? rows.map(line).join('\n') + '\n' : 'no dead letters\n');
      } finally {
        await pool.end();
      }
    });
  dl.command('redrive')
    .argument('[ids...]', 'dead letter ids (default: every pending one)')
    .description(
      'Send dead letters back after a fix: writer ones are republished to the items subject; projector ones re-fold their story with the event ' +
        '(deploy the fix, e.g. an upcaster, first). Exit 1 when any still fails.',
    )
    .action(async (ids: string[]) => {
      const r = await redriveDeadLetters(ids, loadConfig(io.env ?? process.env));
      for (const o of r) io.out.write(`${o.id} ${o.source} ${o.ok ? 'redriven' : 'FAILED'}: ${o.detail}\n`);
      if (r.length === 0) io.out.write('nothing to redrive\n');
      process.exitCode = r.every((o) => o.ok) ? 0 : 1;
    });

  const keys = program.command('keys').description('API keys (API_KEYS holds name:scope+scope:sha256hex entries).');
  keys
    .command('hash')
    .description('Print the SHA-256 of a key read from standard input (so it stays out of shell history), for API_KEYS. Same as: printf %s "$KEY" | sha256sum')
    .action(async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      const key = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
      if (!key) throw new Error('no key on standard input');
      io.out.write(hashApiKey(key) + '\n');
    });
  keys
    .command('new')
    .argument('<name>', 'key name (A-Z a-z 0-9 _ . -)')
    .argument('<scopes>', `scopes joined by +, of ${SCOPES.join(', ')}`)
    .description('Make a random key: prints the key (give it to the client, it is not stored) and the API_KEYS entry holding its hash.')
    .action((name: string, scopes: string) => {
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new Error(`name must be 1-64 of A-Z a-z 0-9 _ . -, got "${name}"`);
      const bad = scopes.split('+').filter((s) => !(SCOPES as readonly string[]).includes(s));
      if (bad.length) throw new Error(`unknown scope(s) ${bad.join(', ')}; use ${SCOPES.join(', ')}`);
      const key = randomBytes(24).toString('base64url');
      io.out.write(`key:      ${key}\nAPI_KEYS: ${name}:${scopes}:${hashApiKey(key)}\n`);
    });
  return program;
}
