import type { WireItem } from '@timeline/events';
import { extractBatch } from '@timeline/extraction';
import { normalizeNinjs, NormalizationError } from '@timeline/feeds';
import { readInputs } from './items-files';

/**
 * Normalize and extract a batch of item files with no servers; items are
 * processed as one batch in firstcreated order (stories and cross-item
 * relations need the earlier items). Returns the answer-key-shaped objects
 * and the per-file errors.
 */
export function extractFiles(args: string[]): { predictions: ReturnType<typeof extractBatch>; errors: string[] } {
  const errors: string[] = [];
  const items: Array<{ article: string; item: WireItem }> = [];
  for (const f of readInputs(args)) {
    if (f.error) {
      errors.push(`${f.file}: ${f.error}`);
      continue;
    }
    try {
      items.push({ article: f.article, item: normalizeNinjs(f.raw) });
    } catch (err) {
      errors.push(`${f.file}: ${err instanceof NormalizationError ? err.message : (err as Error).message}`);
    }
  }
  return { predictions: extractBatch(items), errors };
}

/** `timeline extract <item.json…>`: one JSON object per item per line on stdout; errors on stderr; exit 1 if any. */
export function extractCommand(args: string[]): number {
  const { predictions, errors } = extractFiles(args);
  for (const p of predictions) process.stdout.write(JSON.stringify(p) + '\n');
  for (const e of errors) process.stderr.write(`timeline extract: ${e}\n`);
  return errors.length ? 1 : 0;
}
