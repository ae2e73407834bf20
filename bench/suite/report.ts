/** Renders the generated part of BENCHMARKS.md (between the bench:generated markers). */

const START = '<!-- bench:generated:start (npm run bench rewrites this part) -->';
const END = '<!-- bench:generated:end -->';

/** Target per key: `min` = at least, `max` = at most, null = report only. */
export const TARGETS: Record<string, { what: string; target: number | null; kind: 'min' | 'max' | 'report'; unit: string }> = {
  e2e_items_per_s: { what: 'items through the 4 apps (publish → visible)', target: 250, kind: 'min', unit: 'items/s' },
  e2e_p99_ms: { what: 'publish → visible in the timeline, p99', target: 250, kind: 'max', unit: 'ms' },
  append_events_per_s: { what: 'PgEventLog.append, batch 100', target: null, kind: 'report', unit: 'events/s' },
  append_ratio_vs_emmett: { what: "ours / Emmett appendToStream, same batch & Postgres", target: 1.5, kind: 'min', unit: '×' },
  rebuild_events_per_s: { what: 'rebuild of the timeline tables from the log', target: 50_000, kind: 'min', unit: 'events/s' },
  rebuild_ratio_vs_emmett: { what: "ours / Emmett projection rebuild", target: 1.5, kind: 'min', unit: '×' },
  query_p99_ms: { what: 'GET /stories/:id/timeline (default page: 100 of a 1,000-statement story), 500 req/s, p99', target: 20, kind: 'max', unit: 'ms' },
  asof_10k_ms: { what: 'as-of replay of a 10,000-event story', target: 200, kind: 'max', unit: 'ms' },
  extraction_words_per_s: { what: 'extractor alone, words per CPU second', target: 100_000, kind: 'min', unit: 'words/s' },
  rss_mb_max: { what: 'largest VmHWM of any app in the e2e run', target: 200, kind: 'max', unit: 'MB' },
};

const fmt = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? 'null' : x >= 1000 ? Math.round(x).toLocaleString('en-US') : String(x));

/** Ratio to target, ≥ 1 = target met (value/target for "at least", target/value for "at most"). */
export function ratioToTarget(key: string, v: number | null): number | null {
  const t = TARGETS[key];
  if (!t || t.target === null || v === null || v === undefined) return null;
  return Math.round((t.kind === 'min' ? v / t.target : t.target / v) * 100) / 100;
}

interface Results {
  date: string;
  runs: number;
  warmups: number;
  machine: Record<string, unknown>;
  keys: Record<string, number | null>;
  benchmarks: Record<string, { notes?: string[]; load1Before?: number; load1After?: number; at?: string; error?: string }>;
}

/** The generated block: machine, versions, figures with ratio to target, per-benchmark load and notes. */
export function renderTable(r: Results): string {
  const m = r.machine;
  const lines = [
    START,
    '',
    `Last run: ${r.date} — median of ${r.runs} measured runs after ${r.warmups} warm-up(s) per benchmark (\`bench/results/${r.date}.json\` has every run).`,
    '',
    `Machine: ${m.nproc} cores (\`nproc\`), ${m.memoryGiB} GiB memory, ${m.cpu}; load average at start ${JSON.stringify(m.loadAverageAtStart)}, at end ${JSON.stringify(m.loadAverageAtEnd)} (a shared machine${Number((m.loadAverageAtStart as number[] | undefined)?.[0] ?? 0) > 1.5 ? ': other jobs were running' : ', quiet when the suite started'}).`,
    `Versions: Node ${m.node}; PostgreSQL ${m.postgres}; nats-server ${m.nats}; Emmett @event-driven-io/emmett-postgresql 0.42.0; autocannon 8.0.0.`,
    '',
    '| key | what | figure | target | ratio to target (≥ 1 = met) |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const [k, t] of Object.entries(TARGETS)) {
    const v = r.keys[k] ?? null;
    const target = t.target === null ? 'report' : `${t.kind === 'min' ? '≥' : '≤'} ${fmt(t.target)} ${t.unit}`;
    const ratio = ratioToTarget(k, v);
    lines.push(`| \`${k}\` | ${t.what} | ${fmt(v)}${v === null ? '' : ' ' + t.unit} | ${target} | ${ratio === null ? '—' : ratio} |`);
  }
  lines.push('', '| benchmark | ran at | 1-min load before → after | notes |', '| --- | --- | --- | --- |');
  for (const [name, b] of Object.entries(r.benchmarks)) {
    lines.push(`| ${name} | ${b.at ?? ''} | ${b.load1Before ?? '?'} → ${b.load1After ?? '?'} | ${(b.notes ?? []).join('; ').replace(/\|/g, '/')} |`);
  }
  lines.push('', END);
  return lines.join('\n');
}

/** BENCHMARKS.md with its generated block replaced (or inserted after the first heading). */
export function renderMarkdown(existing: string, r: Results): string {
  const block = renderTable(r);
  if (existing.includes(START) && existing.includes(END)) {
    return existing.slice(0, existing.indexOf(START)) + block + existing.slice(existing.indexOf(END) + END.length);
  }
  const head = '# Benchmarks\n\nRun `npm run bench` (all) or `npm run bench -- <name>` (extraction, append, query, e2e, rebuild, asof); `--json` prints the figures as one JSON object.\n\n## Figures\n\n';
  return head + block + '\n\n## What bounds each figure\n\n(see below)\n' + (existing ? '\n' + existing : '');
}
