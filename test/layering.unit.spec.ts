import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * DESIGN.md, "Shape": the pure libraries (event definitions, feeds,
 * extraction, timeline evolve, eval) import no Nest, pg or NATS, and no
 * adapter library, so they are importable and testable without any server.
 */
const PURE = ['events', 'feeds', 'extraction', 'timeline', 'eval'];
const FORBIDDEN = [/^@nestjs\//, /^pg$/, /^@electric-sql\//, /^@nats-io\//, /^@timeline\/(event-log|messaging|read-model|runtime)$/];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
  });
}

describe('layering', () => {
  for (const lib of PURE) {
    it(`libs/${lib} imports no framework, database or broker module`, () => {
      const root = path.resolve(__dirname, '../libs', lib, 'src');
      const offenders: string[] = [];
      for (const file of tsFiles(root)) {
        const src = readFileSync(file, 'utf8');
        for (const m of src.matchAll(/(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
          const spec = m[1] ?? m[2];
          if (FORBIDDEN.some((re) => re.test(spec))) offenders.push(`${path.relative(root, file)} imports ${spec}`);
        }
      }
      expect(offenders).toEqual([]);
    });
  }
});
