/**
 * Agreement with shared/tools/score-reference.py: predictions generated from
 * the real gold files (the gold itself, and seeded perturbations of it) are
 * scored by both; every total must agree to 1e-3 and the per-item table must
 * be identical. The corpus is only read, never edited or copied; predictions
 * go to a temporary folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluateGoldDir, loadGoldDir } from './load';
import { isPyWhitespace, isWordChar, normName, pyRound, toks, tokF1 } from './text';
import { dateOk, speakerOk, surnameCounts } from './score';
import type { EvalReport, GoldFile, GoldStatement, Prediction, PredictedStatement } from './types';
import { prng } from '../../../bench/suite/items';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const GOLD_DIR = path.join(CORPUS, 'gold');
const REFERENCE = path.resolve(__dirname, '../../../../shared/tools/score-reference.py');

function python(args: string[], input?: string): string {
  const r = spawnSync('python3', args, { encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) {
    throw new Error(`python3 is needed to run the reference scorer (${REFERENCE}) and could not be started: ${r.error.message}`);
  }
  if (r.status !== 0) throw new Error(`python3 ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

interface ReferenceResult {
  totals: Record<string, number | null>;
  rows: Array<[string, number, number, number, number]>;
}

/** Run the reference with `--json --items`: the per-item table, then one JSON line. */
function runReference(predPath: string): ReferenceResult {
  const lines = python([REFERENCE, GOLD_DIR, predPath, '--json', '--items']).trimEnd().split('\n');
  const totals = JSON.parse(lines.at(-1)!) as Record<string, number | null>;
  const rows = lines.slice(1, -1).map((l) => {
    const [a, ...n] = l.trim().split(/\s+/);
    return [a, ...n.map(Number)] as [string, number, number, number, number];
  });
  return { totals, rows };
}


const golds: GoldFile[] = loadGoldDir(GOLD_DIR);
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** Predictions equal to the gold (ids and all). */
function goldAsPredictions(): Prediction[] {
  return golds.map((g) => clone({ article: g.article, story: g.story, statements: g.statements }) as Prediction);
}

function shiftDay(d: string, days: number): string {
  const t = new Date(`${d}T00:00:00Z`).getTime() + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Knobs of a perturbation, each a probability (0 = never). */
interface Perturb {
  seed: number;
  dropItem?: number;
  dropStatement?: number;
  content?: number;
  speaker?: number;
  date?: number;
  kind?: number;
  medium?: number;
  via?: number;
  relation?: number;
  addRelation?: number;
  junk?: number;
  glueJunk?: number;
  duplicate?: number;
  invent?: number;
  story?: number;
  renameIds?: boolean;
  shuffle?: boolean;
  oddTypes?: boolean;
}

const WORDS = ['the', 'minister', 'said', 'on', 'Monday', 'port', 'strike', 'council', 'deal', 'talks', 'breach', 'dam', 'não', 'Москва', '東京', 'café', 'naïve'];
const UNICODE_BITS = ['’s', ' — ', 'cafe\u0301', 'İstanbul', 'ΟΔΟΣ', 'नमस्ते', '٣٤', '½', 'x\u00a0y', 'a\u2009b', 'snake_case', '\ufeffword', 'e\u0085f', 'Straße'];

function perturb(cfg: Perturb): { preds: Prediction[]; text: string } {
  const rnd = prng(cfg.seed);
  const chance = (p = 0): boolean => rnd() < p;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const allSpeakers = golds.flatMap((g) => g.statements.map((s) => s.speaker));
  const stories = [...new Set(golds.map((g) => g.story))];
  // predicted id for each gold statement: renamed so relations must go through the pairing
  const idOf = new Map<string, string>();
  for (const g of golds) {
    g.statements.forEach((s, k) => idOf.set(`${g.article}#${s.id}`, cfg.renameIds ? `p${k + 1}-${Math.floor(rnd() * 1000)}` : s.id));
  }
  const preds: Prediction[] = [];
  for (const g of golds) {
    if (chance(cfg.dropItem)) continue;
    const statements: PredictedStatement[] = [];
    for (const s of g.statements) {
      if (chance(cfg.dropStatement)) continue;
      const p: PredictedStatement = clone(s) as unknown as PredictedStatement;
      p.id = idOf.get(`${g.article}#${s.id}`)!;
      delete p.speaker_accept;
      if (chance(cfg.content)) p.content = mutateContent(s.content, rnd, pick);
      if (chance(cfg.speaker)) p.speaker = mutateSpeaker(s, g, allSpeakers, pick);
      if (chance(cfg.date)) p.said_at = mutateDate(s, pick, rnd) as PredictedStatement['said_at'];
      if (chance(cfg.kind)) p.kind = pick(['direct', 'indirect', 'mixed', null, 'Direct']);
      if (chance(cfg.medium)) p.medium = pick(['tweet', 'statement', 'interview', null, '', 'Statement', 'report']);
      if (chance(cfg.via)) p.via = mutateVia(s.via ?? [], pick, !!cfg.oddTypes) as string[];
      p.relations = (s.relations ?? [])
        .filter(() => !chance(cfg.relation))
        .map((r) => {
          const full = r.target.includes('#') ? r.target : `${g.article}#${r.target}`;
          const [tart, tid] = full.split('#');
          const pid = idOf.get(full) ?? r.target;
          return { type: r.type, target: tart === g.article && !chance(0.3) ? pid : `${tart}#${pid}` };
        });
      if (chance(cfg.addRelation)) {
        const other = pick(golds);
        const os_ = other.statements.length ? pick(other.statements) : null;
        const tgt = os_ ? idOf.get(`${other.article}#${os_.id}`)! : 'nowhere';
        p.relations.push({
          type: pick(['contradicts', 'supports', 'responds_to', 'corrects', 'retracts', null]),
          target: other.article === g.article && chance(0.5) ? tgt : pick([`${other.article}#${tgt}`, tgt, '', `#${tgt}`, 'nope#x']),
        });
      }
      if (chance(cfg.glueJunk) && g.not_statements?.length) p.content = `${p.content} ${pick(g.not_statements)}`;
      statements.push(p);
      if (chance(cfg.duplicate)) {
        const d = clone(p);
        if (chance(0.5)) d.speaker = pick(allSpeakers);
        if (chance(0.5)) d.id = `${p.id}-dup`;
        statements.push(d);
      }
    }
    for (const junk of g.not_statements ?? []) {
      if (chance(cfg.junk)) {
        statements.push({ id: `j${statements.length}`, speaker: pick(allSpeakers), content: chance(0.7) ? junk : `${pick(WORDS)} ${junk} ${pick(WORDS)}`, kind: 'direct' });
      }
    }
    if (chance(cfg.invent)) {
      const n = 1 + Math.floor(rnd() * 3);
      for (let k = 0; k < n; k++) {
        const base = g.statements.length && chance(0.5) ? pick(g.statements).content : Array.from({ length: 8 }, () => pick(WORDS)).join(' ');
        statements.push({ id: `x${k}`, speaker: pick(allSpeakers), content: mutateContent(base, rnd, pick), kind: 'indirect', said_at: null });
      }
    }
    if (cfg.shuffle) {
      for (let k = statements.length - 1; k > 0; k--) {
        const m = Math.floor(rnd() * (k + 1));
        [statements[k], statements[m]] = [statements[m], statements[k]];
      }
    }
    let story: string | null = g.story;
    if (chance(cfg.story)) story = pick([...stories, null, 'one-big-story', `${g.article}-own`]);
    const pred: Prediction = { article: g.article, story, statements };
    if (cfg.oddTypes && chance(0.15)) delete pred.story;
    if (cfg.oddTypes && statements.length && chance(0.2)) delete statements[0].id;
    preds.push(pred);
  }
  if (cfg.shuffle) preds.reverse();
  // noise the reference tolerates: blank lines, comments, unknown items, CRLF, a replaced line
  const lines = preds.map((p) => JSON.stringify(p));
  if (cfg.oddTypes) {
    lines.splice(1, 0, '', '# a comment line', JSON.stringify({ article: 'not-in-gold', story: 'x', statements: [{ id: 's1', content: 'nothing' }] }));
    if (preds.length > 2) lines.splice(2, 0, JSON.stringify({ article: preds[2].article, story: 'stale', statements: [] }));
  }
  return { preds, text: lines.join(cfg.oddTypes ? '\r\n' : '\n') + '\n' };
}

function mutateContent(c: string, rnd: () => number, pick: <T>(xs: readonly T[]) => T): string {
  const words = c.split(' ');
  switch (Math.floor(rnd() * 7)) {
    case 0: // drop some words: around the 0.5 threshold
      return words.filter(() => rnd() > 0.45).join(' ');
    case 1: // add words
      return `${words.join(' ')} ${Array.from({ length: 1 + Math.floor(rnd() * words.length) }, () => pick(WORDS)).join(' ')}`;
    case 2: // case and punctuation only
      return `"${c.toUpperCase()}!" — ${pick(UNICODE_BITS)}`;
    case 3: // half of it
      return words.slice(0, Math.ceil(words.length / 2)).join(' ');
    case 4: // unicode variants glued in
      return words.map((w) => (rnd() < 0.25 ? `${w}${pick(UNICODE_BITS)}` : w)).join(' ');
    case 5: // repeated words (multiset overlap)
      return words.map((w) => (rnd() < 0.3 ? `${w} ${w}` : w)).join(' ');
    default: // shuffled
      return [...words].sort(() => rnd() - 0.5).join(' ');
  }
}

function mutateSpeaker(s: GoldStatement, g: GoldFile, all: string[], pick: <T>(xs: readonly T[]) => T): string | null {
  const parts = s.speaker.split(' ');
  const sameItem = g.statements.map((x) => x.speaker);
  return pick([
    parts.at(-1)!,
    `Labour Minister ${s.speaker}`,
    `Mr ${parts.at(-1)}`,
    parts[0],
    `the ${s.speaker}`,
    s.speaker.toUpperCase(),
    `${s.speaker},`,
    `${parts[0]} Q. ${parts.at(-1)}`,
    s.speaker.replace("'", '’'),
    pick(sameItem),
    pick(all),
    pick(s.speaker_accept?.length ? s.speaker_accept : [s.speaker]),
    `Spokesman ${pick(s.speaker_accept?.length ? s.speaker_accept : [s.speaker])}`,
    null,
    '',
    '  ',
  ]);
}

function mutateDate(s: GoldStatement, pick: <T>(xs: readonly T[]) => T, rnd: () => number): unknown {
  const g = s.said_at;
  const base = g?.from ?? g?.to ?? '2025-06-01';
  const k = Math.floor(rnd() * 40) - 20;
  return pick([
    null,
    {},
    { from: shiftDay(base, k), to: shiftDay(base, k) },
    { from: shiftDay(base, -1), to: g?.to ?? null },
    { from: g?.from ?? null, to: g?.to ? shiftDay(g.to, 1) : null },
    { from: g?.from ?? null, to: null },
    { from: null, to: g?.to ?? null },
    { from: `${base}T10:00:00Z`, to: `${g?.to ?? base}T23:59:59Z` },
    { from: base, to: base },
    { from: g?.from ?? base, to: g?.to ?? base },
  ]);
}

function mutateVia(v: string[], pick: <T>(xs: readonly T[]) => T, odd: boolean): unknown {
  const opts: unknown[] = [[], [...v].reverse(), v.map((x) => x.toUpperCase()), [...v, 'Reuters'], v.map((x) => `the ${x}`), null];
  // a string where a list belongs: Python iterates its characters
  if (odd) opts.push('Reuters', '', v.join(''));
  return pick(opts);
}

const SCENARIOS: Array<{ name: string; cfg?: Perturb; preds?: () => Prediction[] }> = [
  { name: 'gold itself', preds: goldAsPredictions },
  { name: 'nothing predicted', preds: () => [] },
  { name: 'items present, no statements', preds: () => golds.map((g) => ({ article: g.article, story: g.story, statements: [] })) },
  { name: 'dropped statements and items', cfg: { seed: 1, dropStatement: 0.3, dropItem: 0.15, renameIds: true } },
  { name: 'wrong speakers', cfg: { seed: 2, speaker: 0.7 } },
  { name: 'shifted dates', cfg: { seed: 3, date: 0.8 } },
  { name: 'extra junk statements', cfg: { seed: 4, junk: 0.7, glueJunk: 0.2, invent: 0.5 } },
  { name: 'changed stories', cfg: { seed: 5, story: 0.5 } },
  { name: 'relations removed and added', cfg: { seed: 6, relation: 0.4, addRelation: 0.3, renameIds: true } },
  { name: 'content paraphrased around the threshold', cfg: { seed: 7, content: 0.8, duplicate: 0.3 } },
  { name: 'kind, medium, via', cfg: { seed: 8, kind: 0.5, medium: 0.5, via: 0.5 } },
  {
    name: 'everything at once (a)',
    cfg: { seed: 9, dropItem: 0.1, dropStatement: 0.2, content: 0.4, speaker: 0.4, date: 0.4, kind: 0.3, medium: 0.3, via: 0.3, relation: 0.3, addRelation: 0.3, junk: 0.4, glueJunk: 0.1, duplicate: 0.2, invent: 0.4, story: 0.3, renameIds: true, shuffle: true },
  },
  {
    name: 'everything at once, odd types and noisy lines (b)',
    cfg: { seed: 10, dropItem: 0.1, dropStatement: 0.2, content: 0.5, speaker: 0.5, date: 0.5, kind: 0.3, medium: 0.3, via: 0.5, relation: 0.3, addRelation: 0.5, junk: 0.5, glueJunk: 0.2, duplicate: 0.4, invent: 0.5, story: 0.4, renameIds: true, shuffle: true, oddTypes: true },
  },
  {
    name: 'everything at once (c)',
    cfg: { seed: 11, dropStatement: 0.1, content: 0.6, speaker: 0.6, date: 0.6, via: 0.2, addRelation: 0.6, duplicate: 0.5, invent: 0.3, story: 0.2, shuffle: true },
  },
  // more seeds of the mixed perturbation
  ...[101, 102, 103, 104].map((seed) => ({
    name: `everything at once, seed ${seed}`,
    cfg: { seed, dropItem: 0.1, dropStatement: 0.25, content: 0.5, speaker: 0.5, date: 0.5, kind: 0.3, medium: 0.3, via: 0.4, relation: 0.4, addRelation: 0.4, junk: 0.4, glueJunk: 0.2, duplicate: 0.4, invent: 0.4, story: 0.4, renameIds: seed % 2 === 0, shuffle: true, oddTypes: seed > 102 },
  })),
];

describe('agreement with score-reference.py on the real gold files', () => {
  let dir: string;
  beforeAll(() => {
    const r = spawnSync('python3', ['--version'], { encoding: 'utf8' });
    if (r.error || r.status !== 0) {
      throw new Error('python3 is not available: the reference-agreement tests run shared/tools/score-reference.py with python3. Install python3 (standard library only).');
    }
    dir = mkdtempSync(path.join(os.tmpdir(), 'eval-agreement-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has gold files to work with', () => {
    expect(golds.length).toBeGreaterThan(10);
  });

  it.each(SCENARIOS.map((s, k) => [s.name, k] as const))('%s', (_name, k) => {
    const sc = SCENARIOS[k];
    const text = sc.preds ? sc.preds().map((p) => JSON.stringify(p)).join('\n') + '\n' : perturb(sc.cfg!).text;
    const file = path.join(dir, `pred-${k}.ndjson`);
    writeFileSync(file, text, 'utf8');
    const ref = runReference(file);
    const ours: EvalReport = evaluateGoldDir(GOLD_DIR, text);
    const totals = ours.totals as unknown as Record<string, number | null>;
    expect(Object.keys(totals).sort()).toEqual(Object.keys(ref.totals).sort());
    for (const [key, want] of Object.entries(ref.totals)) {
      const got = totals[key];
      if (want === null || got === null) {
        expect([key, got]).toEqual([key, want]);
      } else if (Math.abs(got - want) > 1e-3) {
        throw new Error(`${key}: ours ${got}, reference ${want}`);
      }
    }
    expect(ours.per_item.map((r) => [r.article, r.gold, r.predicted, r.matched, r.attributed])).toEqual(ref.rows);
    if (k === 0) {
      // the gold scored against itself is perfect everywhere
      expect(ours.totals).toMatchObject({ detection_f1: 1, attributed_f1: 1, date_accuracy: 1, relation_f1: 1, cluster_f1: 1, junk_statements: 0 });
    }
  });

  it('the perturbed scenarios are not trivial (they move the figures)', () => {
    const figures = SCENARIOS.filter((s) => s.cfg).map((s) => evaluateGoldDir(GOLD_DIR, perturb(s.cfg!).text).totals);
    expect(figures.some((t) => t.attributed_f1 < t.detection_f1)).toBe(true);
    expect(figures.some((t) => t.date_accuracy !== null && t.date_accuracy < 1)).toBe(true);
    expect(figures.some((t) => t.date_accuracy_offday !== null && t.date_accuracy_offday < 1)).toBe(true);
    expect(figures.some((t) => t.relation_f1 < 1 && t.relation_f1 > 0)).toBe(true);
    expect(figures.some((t) => t.junk_statements > 0)).toBe(true);
    expect(figures.some((t) => t.cluster_f1 < 1)).toBe(true);
    expect(figures.some((t) => t.items_missing > 0)).toBe(true);
  });
});

describe("agreement with the reference's functions (imported from score-reference.py)", () => {
  /** Call the reference's own functions on a batch of inputs. */
  function refCall(fn: string, calls: unknown[][]): unknown[] {
    const script = [
      'import importlib.util, json, sys',
      `spec = importlib.util.spec_from_file_location("ref", ${JSON.stringify(REFERENCE)})`,
      'ref = importlib.util.module_from_spec(spec); spec.loader.exec_module(ref)',
      `f = getattr(ref, ${JSON.stringify(fn)})`,
      'calls = json.load(sys.stdin)',
      'print(json.dumps([f(*c) for c in calls]))',
    ].join('\n');
    return JSON.parse(python(['-c', script], JSON.stringify(calls))) as unknown[];
  }

  const ALPHABET = [
    ...'abcXYZ 09_-\'.,;:!?"()[]/\\\t\n',
    '’', '‘', '“', '—', '–', '\u00a0', '\u2009', '\u3000', '\u0085', '\u001c', '\ufeff', '\u200b', '\u00ad',
    'é', 'e\u0301', 'ß', 'İ', 'ı', 'Σ', 'ς', 'Ω', 'Ж', 'я', 'ü', 'ø', 'Æ', 'ǅ', 'ﬁ',
    '東', '京', 'の', 'カ', '한', 'ก', '\u0e34', 'न', '\u094d', 'म', '\u093e', 'ع', '\u064e', '٣', '½', 'Ⅻ', '²', '𝐀', '😀', '🇫🇷',
    'the ', 'The ', 'THE ', 'theodore ',
  ];

  function randomStrings(seed: number, n: number): string[] {
    const rnd = prng(seed);
    return Array.from({ length: n }, () => Array.from({ length: Math.floor(rnd() * 14) }, () => ALPHABET[Math.floor(rnd() * ALPHABET.length)]).join(''));
  }

  it('toks, tok_f1 and norm_name agree on random strings in many scripts', () => {
    const xs = randomStrings(42, 1500);
    expect(refCall('toks', xs.map((x) => [x]))).toEqual(xs.map((x) => toks(x)));
    expect(refCall('norm_name', xs.map((x) => [x]))).toEqual(xs.map((x) => normName(x)));
    const pairs = xs.slice(0, 750).map((x, k) => [x + ' ' + xs[k + 750], xs[k + 750] + ' ' + xs[(k * 7) % 1500]]);
    const want = refCall('tok_f1', pairs) as number[];
    pairs.forEach(([a, b], k) => expect(tokF1(a, b)).toBeCloseTo(want[k], 12));
  });

  it('the word and whitespace classes and lower-casing agree for every code point Python knows', () => {
    const script = [
      'import re, json, unicodedata',
      'w, s, low = [], [], {}',
      'for cp in range(0x110000):',
      '    if 0xD800 <= cp <= 0xDFFF or unicodedata.category(chr(cp)) == "Cn": continue',
      '    c = chr(cp)',
      '    if re.match(r"\\w", c): w.append(cp)',
      '    if re.match(r"\\s", c): s.append(cp)',
      '    if c.lower() != c: low[cp] = c.lower()',
      'known = [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF and unicodedata.category(chr(cp)) != "Cn"]',
      'print(json.dumps({"w": w, "s": s, "low": low, "known": known}))',
    ].join('\n');
    const py = JSON.parse(python(['-c', script])) as { w: number[]; s: number[]; low: Record<string, string>; known: number[] };
    const w = new Set(py.w);
    const s = new Set(py.s);
    const bad: string[] = [];
    for (const cp of py.known) {
      const c = String.fromCodePoint(cp);
      if (isWordChar(c) !== w.has(cp)) bad.push(`\\w U+${cp.toString(16)}`);
      if (isPyWhitespace(c) !== s.has(cp)) bad.push(`\\s U+${cp.toString(16)}`);
      if (c.toLowerCase() !== (py.low[String(cp)] ?? c)) bad.push(`lower U+${cp.toString(16)}`);
    }
    expect(py.known.length).toBeGreaterThan(200_000);
    expect(bad.slice(0, 20)).toEqual([]);
  });

  it("pyRound agrees with Python's round() at 3 and 6 decimals, exact ties included", () => {
    const rnd = prng(7);
    const xs: number[] = [0.3125, 0.0625, 0.5078125, 2.675, 0.0005, 0.0015, 1 / 3, 2 / 3, 0.1 + 0.2, 1e-7, 123.4565];
    for (let d = 1; d <= 64; d++) for (let k = 0; k <= d; k++) xs.push(k / d, (2 * k) / (d + k || 1));
    for (let m = 1; m <= 12; m++) for (let k = 1; k < 2 ** m && k < 300; k += 2) xs.push(k / 2 ** m);
    for (let k = 0; k < 500; k++) xs.push(rnd(), rnd() * 100);
    const script = 'import json, sys\nxs = json.load(sys.stdin)\nprint(json.dumps([[round(x, 3), round(x, 6)] for x in xs]))';
    const want = JSON.parse(python(['-c', script], JSON.stringify(xs))) as Array<[number, number]>;
    const bad = xs.filter((x, k) => pyRound(x, 3) !== want[k][0] || pyRound(x, 6) !== want[k][1]);
    expect(bad).toEqual([]);
  });

  it('speaker_ok agrees on every gold statement against name variants', () => {
    const calls: unknown[][] = [];
    const ours: boolean[] = [];
    for (const g of golds) {
      const counts = surnameCounts(g.statements);
      const countsObj = Object.fromEntries(counts);
      const names = [...new Set(g.statements.flatMap((s) => [s.speaker, ...(s.speaker_accept ?? [])]))];
      for (const s of g.statements) {
        const parts = s.speaker.split(' ');
        const variants = [
          ...names,
          parts.at(-1)!,
          `Mr ${parts.at(-1)}`,
          `Minister ${s.speaker}`,
          `${parts[0]} J. ${parts.at(-1)}`,
          `the ${s.speaker}`,
          s.speaker.toUpperCase(),
          `${s.speaker}'s`,
          parts[0],
          '',
          null,
        ];
        for (const v of variants) {
          calls.push([v, s, countsObj]);
          ours.push(speakerOk(v, s, counts));
        }
      }
    }
    expect(refCall('speaker_ok', calls)).toEqual(ours);
  });

  it('date_ok agrees on ranges inside, outside and open', () => {
    const gs = [null, { from: '2025-06-03', to: '2025-06-05' }, { from: null, to: '2025-06-05' }, { from: '2025-06-03', to: null }, { from: null, to: null }, {}];
    const ps = [null, {}, { from: '2025-06-03', to: '2025-06-05' }, { from: '2025-06-04T12:00:00Z', to: '2025-06-04T13:00:00Z' }, { from: '2025-06-02', to: '2025-06-04' }, { from: '2025-06-04', to: '2025-06-06' }, { from: null, to: '2025-06-04' }, { from: '2025-06-04', to: null }, { from: '', to: '' }];
    const calls = gs.flatMap((g) => ps.map((p) => [p, g]));
    expect(refCall('date_ok', calls)).toEqual(calls.map(([p, g]) => dateOk(p, g)));
  });
});
