import type {
  ArticleIndex,
  ArticleMeta,
  EvalCounts,
  EvalItemRow,
  EvalPair,
  EvalReport,
  EvalTotals,
  GoldFile,
  GoldStatement,
  Prediction,
} from './types';
import { cmpCodePoints, day, normName, pyEq, pyIter, pyKey, pyRound, pyStr, pySplit, pyTruthy, tokF1, toks } from './text';

/*
 * A port of shared/tools/score-reference.py (the reference wins on any
 * difference). Pure: no I/O. Inputs on which the reference would crash
 * (a non-string content, a non-list statements, ...) are scored leniently
 * instead: a value of the wrong type counts as missing.
 */

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** `o.get(k)`: the value, or null when missing (or when `o` is not an object). */
function get(o: unknown, k: string): unknown {
  if (!isObj(o) || !Object.prototype.hasOwnProperty.call(o, k)) return null;
  const v = o[k];
  return v === undefined ? null : v;
}

/** `o.get(k) or []` for a list-valued field. */
function list(o: unknown, k: string): unknown[] {
  const v = get(o, k);
  return Array.isArray(v) ? v : [];
}

/** Number of distinct person names per surname among an item's gold speakers. */
export function surnameCounts(statements: readonly GoldStatement[]): Map<string, number> {
  const sets = new Map<string, Set<string>>();
  for (const s of statements) {
    const n = normName(get(s, 'speaker'));
    if (get(s, 'speaker_type') === 'person' && n) {
      const sur = n.split(' ').at(-1)!;
      if (!sets.has(sur)) sets.set(sur, new Set());
      sets.get(sur)!.add(n);
    }
  }
  return new Map([...sets].map(([k, v]) => [k, v.size]));
}

/**
 * Whether a predicted speaker name is right for a gold statement: the gold
 * `speaker` or any `speaker_accept` (normalised, case-insensitive); or one of
 * those of two or more words with a title or role in front ("Labour Minister
 * Agnes Halloran"); or, for a person whose surname no other person speaker of
 * the item shares, the bare surname or the first name + anything + surname.
 *
 * @param surnames from `surnameCounts` over the item's gold statements
 */
export function speakerOk(pred: unknown, g: GoldStatement, surnames: ReadonlyMap<string, number>): boolean {
  const p = normName(pred);
  if (!p) return false;
  const names = [get(g, 'speaker'), ...pyIter(get(g, 'speaker_accept'))];
  const accepted = new Set(names.map(normName).filter((n) => n));
  if (accepted.has(p)) return true;
  for (const a of accepted) {
    if (a.split(' ').length >= 2 && p.endsWith(' ' + a)) return true;
  }
  if (get(g, 'speaker_type') === 'person') {
    const gn = normName(get(g, 'speaker'));
    const sur = gn ? pySplit(gn).at(-1)! : '';
    const pw = pySplit(p);
    if (sur && pw.at(-1) === sur && (surnames.get(sur) ?? 0) <= 1) {
      return pw.length === 1 || pw[0] === pySplit(gn)[0];
    }
  }
  return false;
}

/**
 * Whether a predicted `said_at` lies inside the gold range: null when the gold
 * range is null (not scored); false when the prediction has no range, or an
 * end is missing where the gold end is set, or lies outside it. Predicted ends
 * are cut to their first 10 characters (the day).
 */
export function dateOk(pred: unknown, gold: unknown): boolean | null {
  if (gold === null || gold === undefined) return null;
  if (!pyTruthy(pred) || !isObj(pred)) return false;
  const pf = day(get(pred, 'from'));
  const pt = day(get(pred, 'to'));
  const gf = get(gold, 'from');
  const gt = get(gold, 'to');
  if (gf !== null && (pf === null || cmpCodePoints(pf, pyStr(gf)) < 0)) return false;
  if (gt !== null && (pt === null || cmpCodePoints(pt, pyStr(gt)) > 0)) return false;
  return true;
}

/** The item's own day: the first 10 characters of the article's `firstcreated`, or null. */
export function itemDay(article: ArticleMeta | null | undefined): string | null {
  return day(get(article, 'firstcreated'));
}

function articleOf(articles: ArticleIndex | undefined, id: string): ArticleMeta | null | undefined {
  if (!articles) return undefined;
  if (articles instanceof Map) return (articles as ReadonlyMap<string, ArticleMeta | null | undefined>).get(id);
  const rec = articles as Readonly<Record<string, ArticleMeta | null | undefined>>;
  return Object.prototype.hasOwnProperty.call(rec, id) ? rec[id] : undefined;
}

/** Whether `hay` contains the token sequence of `needle` (of at least 2 tokens) as whole tokens. */
function containsTokens(hay: unknown, needle: unknown): boolean {
  const n = toks(needle);
  return n.length >= 2 && ` ${toks(hay).join(' ')} `.includes(` ${n.join(' ')} `);
}

function prf(t: number, fp: number, fn: number): [number, number, number] {
  const p = t + fp ? t / (t + fp) : 0;
  const r = t + fn ? t / (t + fn) : 0;
  return [p, r, p + r ? (2 * p * r) / (p + r) : 0];
}

interface Candidate {
  f: number;
  ok: boolean;
  i: number;
  j: number;
}

/**
 * Score predictions against the gold answer key, by the rules of
 * shared/corpus/README.md as shared/tools/score-reference.py implements them.
 *
 * @param golds the gold files; a later file with the same `article` replaces an earlier one (keeping its place)
 * @param predictions one object per item (`article`, `story`, `statements`); a later line for the same article replaces an earlier one
 * @param articles the items by id, for their own day (`firstcreated`); without them the off-day date accuracy is null, as in the reference when `articles/` is missing
 * @returns totals named as in the reference's JSON, raw counts, and one row per gold item
 */
export function score(
  golds: readonly GoldFile[],
  predictions: readonly Prediction[],
  articles?: ArticleIndex,
): EvalReport {
  const gold = new Map<string, GoldFile>();
  for (const g of golds) gold.set(pyKey(get(g, 'article')), g);
  const preds = new Map<string, Prediction>();
  for (const p of predictions) preds.set(pyKey(get(p, 'article')), p);

  let tp = 0;
  let fp = 0;
  let fn = 0;
  let atp = 0;
  let datesOk = 0;
  let datesN = 0;
  let offOk = 0;
  let offN = 0;
  let kindOk = 0;
  let medOk = 0;
  let viaOk = 0;
  let junkHits = 0;
  const pairMaps = new Map<string, Map<string, unknown>>();
  const perItem: EvalItemRow[] = [];
  const relGold = new Set<string>();
  const relPred = new Set<string>();
  const missing: string[] = [];
  const triple = (type: unknown, src: string, tgt: string): string => JSON.stringify([pyKey(type), src, tgt]);

  for (const [key, g] of gold) {
    const art = pyStr(get(g, 'article'));
    if (!preds.has(key)) missing.push(art);
    const p = preds.get(key);
    const gs = list(g, 'statements') as GoldStatement[];
    const ps = list(p, 'statements');
    const surnames = surnameCounts(gs);

    const cand: Candidate[] = [];
    ps.forEach((pr, i) => {
      gs.forEach((gd, j) => {
        const f = tokF1(get(pr, 'content'), get(gd, 'content'));
        if (f >= 0.5) cand.push({ f: pyRound(f, 6), ok: speakerOk(get(pr, 'speaker'), gd, surnames), i, j });
      });
    });
    // Python: sort by (round(f, 6), speaker_ok, -i, i, j) descending
    cand.sort((a, b) => b.f - a.f || Number(b.ok) - Number(a.ok) || a.i - b.i || b.j - a.j);
    const usedP = new Set<number>();
    const usedG = new Set<number>();
    const pairs = new Map<number, number>();
    for (const c of cand) {
      if (usedP.has(c.i) || usedG.has(c.j)) continue;
      usedP.add(c.i);
      usedG.add(c.j);
      pairs.set(c.i, c.j);
    }
    const pm = new Map<string, unknown>();
    for (const [i, j] of pairs) pm.set(pyKey(get(ps[i], 'id')), get(gs[j], 'id'));
    pairMaps.set(key, pm);

    const aDay = itemDay(articleOf(articles, art));
    let itemAtp = 0;
    const rowPairs: EvalPair[] = [];
    for (const [i, j] of pairs) {
      const pr = ps[i];
      const gd = gs[j];
      const sOk = speakerOk(get(pr, 'speaker'), gd, surnames);
      if (sOk) itemAtp++;
      const d = dateOk(get(pr, 'said_at'), get(gd, 'said_at'));
      if (d !== null) {
        datesN++;
        if (d) datesOk++;
        const ga = get(gd, 'said_at');
        const lo = pyTruthy(get(ga, 'from')) ? pyStr(get(ga, 'from')) : '0000';
        const hi = pyTruthy(get(ga, 'to')) ? pyStr(get(ga, 'to')) : '9999';
        if (aDay && !(cmpCodePoints(lo, aDay) <= 0 && cmpCodePoints(aDay, hi) <= 0)) {
          offN++;
          if (d) offOk++;
        }
      }
      const kOk = pyEq(get(pr, 'kind'), get(gd, 'kind'));
      const orNone = (x: unknown): unknown => (pyTruthy(x) ? x : null);
      const mOk = pyEq(orNone(get(pr, 'medium')), orNone(get(gd, 'medium')));
      const vOk = pyEq(pyIter(get(pr, 'via')).map(normName), pyIter(get(gd, 'via')).map(normName));
      if (kOk) kindOk++;
      if (mOk) medOk++;
      if (vOk) viaOk++;
      rowPairs.push({
        predicted_index: i,
        predicted_id: get(pr, 'id'),
        gold_id: pyStr(get(gd, 'id')),
        overlap: tokF1(get(pr, 'content'), get(gd, 'content')),
        speaker_ok: sOk,
        date_ok: d,
        kind_ok: kOk,
        medium_ok: mOk,
        via_ok: vOk,
      });
    }

    let itemJunk = 0;
    const junkSpans = list(g, 'not_statements');
    ps.forEach((pr, i) => {
      for (const junk of junkSpans) {
        const j = pairs.get(i);
        const hit =
          j !== undefined
            ? // a matched statement with junk glued into it
              containsTokens(get(pr, 'content'), junk) && !containsTokens(get(gs[j], 'content'), junk)
            : tokF1(get(pr, 'content'), junk) >= 0.5 || containsTokens(get(pr, 'content'), junk);
        if (hit) {
          itemJunk++;
          break;
        }
      }
    });
    junkHits += itemJunk;

    const itemTp = pairs.size;
    tp += itemTp;
    atp += itemAtp;
    fp += ps.length - itemTp;
    fn += gs.length - itemTp;
    perItem.push({
      article: art,
      gold: gs.length,
      predicted: ps.length,
      matched: itemTp,
      attributed: itemAtp,
      missing: !preds.has(key),
      item_day: aDay,
      junk: itemJunk,
      pairs: rowPairs,
      unmatched_gold: gs.filter((_, j) => !usedG.has(j)).map((s) => pyStr(get(s, 'id'))),
      unmatched_predicted: ps.map((_, i) => i).filter((i) => !pairs.has(i)),
    });
    for (const s of gs) {
      for (const r of list(s, 'relations')) {
        const target = pyStr(get(r, 'target'));
        const t = target.includes('#') ? target : `${art}#${target}`;
        relGold.add(triple(get(r, 'type'), `${art}#${pyStr(get(s, 'id'))}`, t));
      }
    }
  }

  for (const [key, p] of preds) {
    if (!gold.has(key)) continue;
    const art = pyStr(get(p, 'article'));
    const pm = pairMaps.get(key)!;
    for (const s of list(p, 'statements')) {
      const src = pm.get(pyKey(get(s, 'id'))) ?? null;
      for (const r of list(s, 'relations')) {
        const tv = get(r, 'target');
        const t = pyTruthy(tv) ? pyStr(tv) : '';
        const hash = t.indexOf('#');
        const [tart, tid] = hash >= 0 ? [t.slice(0, hash), t.slice(hash + 1)] : [art, t];
        const tg = pairMaps.get(pyKey(tart))?.get(pyKey(tid)) ?? null;
        relPred.add(
          triple(
            get(r, 'type'),
            pyTruthy(src) ? `${art}#${pyStr(src)}` : `?${art}#${pyStr(get(s, 'id'))}`,
            pyTruthy(tg) ? `${tart}#${pyStr(tg)}` : `?${t}`,
          ),
        );
      }
    }
  }

  const det = prf(tp, fp, fn);
  const att = prf(atp, tp + fp - atp, tp + fn - atp);
  let rtp = 0;
  for (const r of relPred) if (relGold.has(r)) rtp++;
  const rel = prf(rtp, relPred.size - rtp, relGold.size - rtp);

  // story clustering, pairwise over items present in both
  const arts = [...gold.keys()].filter((k) => preds.has(k));
  let ctp = 0;
  let cfp = 0;
  let cfn = 0;
  for (let x = 0; x < arts.length; x++) {
    for (let y = x + 1; y < arts.length; y++) {
      const a = arts[x];
      const b = arts[y];
      const gsame = pyEq(get(gold.get(a), 'story'), get(gold.get(b), 'story'));
      const pa = get(preds.get(a), 'story');
      const psame = pa !== null && pyEq(pa, get(preds.get(b), 'story'));
      if (gsame && psame) ctp++;
      if (psame && !gsame) cfp++;
      if (gsame && !psame) cfn++;
    }
  }
  const clu = prf(ctp, cfp, cfn);

  const r3 = (x: number): number => pyRound(x, 3);
  const totals: EvalTotals = {
    items: gold.size,
    items_missing: missing.length,
    gold_statements: tp + fn,
    predicted: tp + fp,
    matched: tp,
    detection_p: r3(det[0]),
    detection_r: r3(det[1]),
    detection_f1: r3(det[2]),
    attributed_p: r3(att[0]),
    attributed_r: r3(att[1]),
    attributed_f1: r3(att[2]),
    date_accuracy: datesN ? r3(datesOk / datesN) : null,
    date_accuracy_offday: offN ? r3(offOk / offN) : null,
    relation_p: r3(rel[0]),
    relation_r: r3(rel[1]),
    relation_f1: r3(rel[2]),
    kind_accuracy: tp ? r3(kindOk / tp) : null,
    medium_accuracy: tp ? r3(medOk / tp) : null,
    via_accuracy: tp ? r3(viaOk / tp) : null,
    junk_statements: junkHits,
    cluster_p: r3(clu[0]),
    cluster_r: r3(clu[1]),
    cluster_f1: r3(clu[2]),
  };
  const counts: EvalCounts = {
    tp,
    fp,
    fn,
    attributed_tp: atp,
    dates_ok: datesOk,
    dates_n: datesN,
    offday_ok: offOk,
    offday_n: offN,
    kind_ok: kindOk,
    medium_ok: medOk,
    via_ok: viaOk,
    relations_gold: relGold.size,
    relations_predicted: relPred.size,
    relations_matched: rtp,
    cluster_tp: ctp,
    cluster_fp: cfp,
    cluster_fn: cfn,
  };
  return { totals, counts, per_item: perItem, missing };
}
