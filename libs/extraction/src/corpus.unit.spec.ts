import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WireItemSchema, type WireItem } from '@timeline/events';
import { extractBatch, type GoldPrediction } from './index';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const hasCorpus = fs.existsSync(path.join(CORPUS, 'articles'));

function loadItems(): Array<{ article: string; item: WireItem }> {
  const dir = path.join(CORPUS, 'articles');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const raw = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
      return { article: f.replace(/\.json$/, ''), item: WireItemSchema.parse({ ...raw, version: Number(raw.version) }) };
    });
}

(hasCorpus ? describe : describe.skip)('extractBatch on the shared corpus', () => {
  let preds: GoldPrediction[];
  beforeAll(() => {
    preds = extractBatch(loadItems());
    fs.writeFileSync(path.join(os.tmpdir(), 'timeline-pred.ndjson'), preds.map((p) => JSON.stringify(p)).join('\n') + '\n');
  });

  it('given every corpus file, when extracted, then there is one prediction per file with its article id', () => {
    const names = loadItems().map((x) => x.article);
    expect(preds.map((p) => p.article)).toEqual(names);
  });

  it('given the kill notice, when extracted, then it yields no statements', () => {
    const kill = preds.find((p) => p.article === 'dev-grellingford-councillor-detained-v2')!;
    expect(kill.statements).toHaveLength(0);
  });

  it('given the items of one developing story, when clustered, then they share a story id', () => {
    const story = (a: string) => preds.find((p) => p.article === a)!.story;
    expect(story('dev-harbourton-port-strike-begins')).toBe(story('dev-harbourton-port-strike-ends'));
    expect(story('dev-harbourton-port-strike-begins')).not.toBe(story('dev-tamsel-dam-kessaly-protest'));
  });

  it('given the corpus, when extracted, then no statement quotes a not_statements span', () => {
    for (const p of preds) {
      const gold = JSON.parse(fs.readFileSync(path.join(CORPUS, 'gold', p.article + '.json'), 'utf8'));
      for (const junk of (gold.not_statements ?? []) as string[]) {
        for (const s of p.statements) expect(s.content.toLowerCase()).not.toContain(junk.toLowerCase());
      }
    }
  });
});
