/**
 * The answer-key schema of shared/corpus (see shared/corpus/README.md) and the
 * shape of the scorer's report. Field names are snake_case on purpose: gold
 * files, predictions and the report's totals use the same names as the JSON
 * the reference scorer (shared/tools/score-reference.py) reads and prints.
 */

export type GoldSpeakerType = 'person' | 'organization' | 'group' | 'anonymous';
export type GoldKind = 'direct' | 'indirect' | 'mixed';
export type GoldMedium =
  | 'tweet'
  | 'social post'
  | 'interview'
  | 'briefing'
  | 'statement'
  | 'speech'
  | 'report'
  | 'letter'
  | 'court filing'
  | 'phone call';
export type GoldRelationType = 'contradicts' | 'supports' | 'responds_to' | 'corrects' | 'retracts';

/** Inclusive range of calendar days (UTC, `YYYY-MM-DD`); a null end is open. */
export interface GoldDayRange {
  from: string | null;
  to: string | null;
}

/** An edge to another statement: `"s2"` within the item, `"<article-id>#s2"` across items of one story. */
export interface GoldRelation {
  type: GoldRelationType;
  target: string;
}

/** One statement of the answer key. */
export interface GoldStatement {
  id: string;
  speaker: string;
  speaker_accept?: string[] | null;
  speaker_type: GoldSpeakerType;
  role?: string | null;
  kind: GoldKind;
  content: string;
  medium?: GoldMedium | null;
  via?: string[] | null;
  said_at: GoldDayRange | null;
  relations?: GoldRelation[] | null;
}

/** One `gold/<id>.json` file. */
export interface GoldFile {
  article: string;
  story: string;
  statements: GoldStatement[];
  not_statements?: string[] | null;
  notes?: string[] | null;
}

/** A predicted day range; the scorer only looks at the first 10 characters of each end. */
export interface PredictedDayRange {
  from?: string | null;
  to?: string | null;
}

/** A predicted relation: `target` is a predicted statement id, `"<article-id>#<id>"` across items. */
export interface PredictedRelation {
  type?: string | null;
  target?: string | null;
}

/**
 * One predicted statement, in the answer-key schema. Everything is optional:
 * the scorer reads what is there, and a missing field scores as a wrong one.
 */
export interface PredictedStatement {
  id?: string | null;
  speaker?: string | null;
  speaker_accept?: string[] | null;
  speaker_type?: string | null;
  role?: string | null;
  kind?: string | null;
  content?: string | null;
  medium?: string | null;
  via?: string[] | null;
  said_at?: PredictedDayRange | null;
  relations?: PredictedRelation[] | null;
  [extra: string]: unknown;
}

/** One NDJSON line of extractor output: the statements one item file contains. */
export interface Prediction {
  article?: string | null;
  story?: string | null;
  statements?: PredictedStatement[] | null;
  [extra: string]: unknown;
}

/** The part of an `articles/<id>.json` (ninjs) item the scorer reads: the item's own day. */
export interface ArticleMeta {
  firstcreated?: string | null;
  [extra: string]: unknown;
}

/** Articles by item id (the gold file's `article`, i.e. the file name without `.json`). */
export type ArticleIndex =
  | ReadonlyMap<string, ArticleMeta | null | undefined>
  | Readonly<Record<string, ArticleMeta | null | undefined>>;

/**
 * The totals, field for field as `score-reference.py --json` prints them
 * (ratios rounded to 3 decimals the way Python's `round(x, 3)` does).
 */
export interface EvalTotals {
  items: number;
  items_missing: number;
  gold_statements: number;
  predicted: number;
  matched: number;
  detection_p: number;
  detection_r: number;
  detection_f1: number;
  attributed_p: number;
  attributed_r: number;
  attributed_f1: number;
  date_accuracy: number | null;
  date_accuracy_offday: number | null;
  relation_p: number;
  relation_r: number;
  relation_f1: number;
  kind_accuracy: number | null;
  medium_accuracy: number | null;
  via_accuracy: number | null;
  junk_statements: number;
  cluster_p: number;
  cluster_r: number;
  cluster_f1: number;
}

/** The raw counts behind the totals (not printed by the reference; for diagnosis). */
export interface EvalCounts {
  tp: number;
  fp: number;
  fn: number;
  attributed_tp: number;
  dates_ok: number;
  dates_n: number;
  offday_ok: number;
  offday_n: number;
  kind_ok: number;
  medium_ok: number;
  via_ok: number;
  relations_gold: number;
  relations_predicted: number;
  relations_matched: number;
  cluster_tp: number;
  cluster_fp: number;
  cluster_fn: number;
}

/** One matched (predicted, gold) pair of an item. */
export interface EvalPair {
  /** Index of the prediction in the item's `statements`. */
  predicted_index: number;
  predicted_id: unknown;
  gold_id: string;
  /** Token F1 of the two contents (unrounded). */
  overlap: number;
  speaker_ok: boolean;
  /** null when the gold `said_at` is null (not scored). */
  date_ok: boolean | null;
  kind_ok: boolean;
  medium_ok: boolean;
  via_ok: boolean;
}

/** One row per gold item, in gold order. The first five fields are the reference's `--items` table. */
export interface EvalItemRow {
  article: string;
  gold: number;
  predicted: number;
  matched: number;
  attributed: number;
  /** True when the predictions have no line for this item (scored as no statements). */
  missing: boolean;
  /** The item's own day (from the article's `firstcreated`), or null when unknown. */
  item_day: string | null;
  junk: number;
  pairs: EvalPair[];
  /** Gold ids no prediction was paired with. */
  unmatched_gold: string[];
  /** Indexes of predictions not paired with any gold statement. */
  unmatched_predicted: number[];
}

/** What `score()` returns. `totals` compares field by field with the reference's JSON. */
export interface EvalReport {
  totals: EvalTotals;
  counts: EvalCounts;
  per_item: EvalItemRow[];
  /** Gold items with no prediction line, in gold order. */
  missing: string[];
}
