/**
 * The timeline page: story list with search, a story's statements grouped by
 * said_at day with contradiction/support links, a speaker filter, a source
 * pane with the statement highlighted, an as-of replay control, and live
 * updates over Server-Sent Events (GET /stories/:id/events), falling back to
 * polling when the server has no event stream. Same-origin calls only.
 */
import './style.css';
import { ApiError, getStatement, getTimeline, listStories, storyPosition } from './api';
import { dayGroup, groupByDay, highlightSegments, justBefore, kindLabel, recordedMoments, relationLabel, speakersOf, viaChain, parseInstant } from './model';
import type { StorySummary, TimelineLine } from './types';

type Child = Node | string | null | undefined | false;

/** Create an element with attributes (`on*` functions become listeners) and children. */
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, unknown> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
    else if (k === 'className') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  status: $('live-status'),
  search: $<HTMLInputElement>('search'),
  searchForm: $<HTMLFormElement>('search-form'),
  storiesMsg: $('stories-msg'),
  storyList: $<HTMLUListElement>('story-list'),
  main: $('timeline'),
  title: $('story-title'),
  meta: $('story-meta'),
  controls: $<HTMLFormElement>('controls'),
  speaker: $<HTMLSelectElement>('speaker'),
  showRecorded: $<HTMLInputElement>('show-recorded'),
  asofRange: $<HTMLInputElement>('asof-range'),
  asofLabel: $<HTMLOutputElement>('asof-label'),
  asofInput: $<HTMLInputElement>('asof-input'),
  asofLive: $<HTMLButtonElement>('asof-live'),
  msg: $('timeline-msg'),
  body: $('timeline-body'),
  links: document.getElementById('links') as unknown as SVGSVGElement,
  days: $('days'),
  detailH: $('detail-h'),
  detail: $('detail-body'),
};

const state = {
  stories: [] as StorySummary[],
  storiesCursor: null as string | null,
  storyId: null as string | null,
  /** The live timeline (also the source of the as-of moments). */
  live: [] as TimelineLine[],
  /** What is shown: the live timeline, or a replay. */
  shown: [] as TimelineLine[],
  /** null: live; else the ISO instant replayed. */
  asOf: null as string | null,
  moments: [] as string[],
  selected: null as string | null,
  events: null as EventSource | null,
  poll: 0 as number,
  lastPosition: null as string | null,
  /** Answers arriving for an older request are dropped. */
  seq: 0,
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const fmtTime = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');

// ---------------------------------------------------------------- stories

let searchTimer = 0;
let storiesAbort: AbortController | null = null;

/** Load the first page of stories for the search box (or, with `more`, the next page). */
async function loadStories(more = false): Promise<void> {
  const q = ui.search.value.trim();
  storiesAbort?.abort();
  const ac = (storiesAbort = new AbortController());
  try {
    const r = await listStories(q, more ? state.storiesCursor : null, ac.signal);
    const needle = q.toLowerCase();
    const page = r.searched || !needle ? r.stories : r.stories.filter((s) => s.title.toLowerCase().includes(needle));
    state.stories = more ? [...state.stories, ...page] : page;
    state.storiesCursor = r.nextCursor;
    renderStories();
  } catch (err) {
    if ((err as Error).name === 'AbortError') return;
    ui.storiesMsg.textContent = `Could not load stories: ${(err as Error).message}`;
  }
}

/** Refresh the story list in the background, unless more than its first page is shown (it would shrink under the reader). */
function refreshStories(): void {
  if (!state.storiesCursor || state.stories.length <= 100) void loadStories();
}

function renderStories(): void {
  const focused = (document.activeElement as HTMLElement | null)?.dataset?.storyId;
  const q = ui.search.value.trim();
  const n = `${state.stories.length}${state.storiesCursor ? '+' : ''}`;
  ui.storiesMsg.textContent = state.stories.length ? (q ? `${n} matching “${q}”` : `${n} stories`) : q ? `No story matches “${q}”.` : 'No stories yet.';
  ui.storyList.replaceChildren(
    ...state.stories.map((s) =>
      h(
        'li',
        {},
        h(
          'button',
          { type: 'button', className: 'story', 'data-story-id': s.storyId, 'aria-current': s.storyId === state.storyId ? 'true' : undefined, onclick: () => openStory(s.storyId, true) },
          h('span', { className: 'story-title' }, s.title || '(untitled)'),
          h('span', { className: 'muted small' }, `${plural(s.statementCount, 'statement')} · ${plural(s.itemCount, 'item')}${s.firstSaid ? ` · ${s.firstSaid}${s.lastSaid && s.lastSaid !== s.firstSaid ? ` – ${s.lastSaid}` : ''}` : ''}`),
        ),
      ),
    ),
  );
  if (state.storiesCursor) {
    ui.storyList.append(h('li', {}, h('button', { type: 'button', className: 'more', onclick: () => loadStories(true) }, 'More stories')));
  }
  if (focused) ui.storyList.querySelector<HTMLElement>(`[data-story-id="${focused}"]`)?.focus();
}

// ---------------------------------------------------------------- timeline

async function openStory(storyId: string, focus = false): Promise<void> {
  if (state.storyId !== storyId) {
    state.storyId = storyId;
    state.asOf = null;
    state.selected = null;
    ui.speaker.value = '';
    ui.detail.replaceChildren(h('p', { className: 'muted' }, 'Pick a statement to see the item it comes from, with the statement highlighted.'));
    history.replaceState(null, '', `#story=${encodeURIComponent(storyId)}`);
    subscribe(storyId);
  }
  renderStories();
  await refresh();
  if (focus) {
    // Keyboard and screen-reader users land on the timeline; on narrow screens (panes stacked) scroll to it too.
    ui.main.focus({ preventScroll: true });
    if (window.matchMedia('(max-width: 60rem)').matches) ui.main.scrollIntoView({ block: 'start' });
  }
}

/** Reload the live timeline (and the replay when one is shown), then render. */
async function refresh(): Promise<void> {
  const storyId = state.storyId;
  if (!storyId) return;
  const seq = ++state.seq;
  try {
    const live = await getTimeline(storyId, null);
    if (seq !== state.seq) return;
    state.live = live.statements;
    state.lastPosition = live.story.lastGlobalPosition;
    state.moments = recordedMoments(live.statements);
    ui.title.textContent = live.story.title || '(untitled story)';
    const conflicts = live.statements.reduce((n, l) => n + l.relations.filter((r) => r.type === 'contradicts').length, 0);
    ui.meta.textContent = `${plural(live.story.statementCount, 'statement')} from ${plural(live.story.itemCount, 'item')} · ${plural(conflicts, 'contradiction')}${live.story.updatedAt ? ` · last recorded ${fmtTime(live.story.updatedAt)}` : ''}`;
    let shown = live.statements;
    let note = '';
    if (state.asOf) {
      // A replay that folded no event of the story (or a 404) means nothing was recorded yet.
      let folded = 0;
      try {
        const r = await getTimeline(storyId, state.asOf);
        shown = r.statements;
        folded = r.reflects.eventCount ?? Number(r.reflects.globalPosition ?? 0);
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 404)) throw err;
        shown = [];
      }
      if (seq !== state.seq) return;
      const at = fmtTime(state.asOf);
      note = shown.length
        ? `Replaying the log as of ${at}: ${plural(shown.length, 'statement')}.`
        : folded > 0
          ? `No statement was on this story's timeline as of ${at}.`
          : `Nothing of this story was recorded yet as of ${at}.`;
    }
    state.shown = shown;
    ui.controls.hidden = false;
    renderControls();
    renderTimeline();
    ui.msg.textContent = note || (shown.length ? '' : 'This story has no statements.');
  } catch (err) {
    if (seq !== state.seq) return;
    ui.msg.textContent = `Could not load the timeline: ${(err as Error).message}`;
  }
}

function renderControls(): void {
  const current = ui.speaker.value;
  const speakers = speakersOf(state.live);
  ui.speaker.replaceChildren(
    h('option', { value: '' }, `Everyone (${state.live.length})`),
    ...speakers.map((s) => h('option', { value: s.speakerId }, `${s.name} (${s.count})`)),
  );
  ui.speaker.value = speakers.some((s) => s.speakerId === current) ? current : '';
  // Range positions: 0 = just before the first record, 1..n = each recorded moment, n+1 = live.
  const n = state.moments.length;
  ui.asofRange.max = String(n + 1);
  ui.asofRange.value = String(state.asOf === null ? n + 1 : positionOf(state.asOf));
  ui.asofLabel.value = state.asOf === null ? 'now (live)' : fmtTime(state.asOf);
  ui.asofRange.setAttribute('aria-valuetext', ui.asofLabel.value);
  ui.asofLive.disabled = state.asOf === null;
}

/** Range position of an instant: the last recorded moment at or before it. */
function positionOf(iso: string): number {
  let k = 0;
  for (let i = 0; i < state.moments.length; i++) if (state.moments[i] <= iso) k = i + 1;
  return k;
}

function momentAt(k: number): string | null {
  const n = state.moments.length;
  if (k >= n + 1 || n === 0) return null;
  return k === 0 ? justBefore(state.moments[0]) : state.moments[k - 1];
}

function setAsOf(iso: string | null): void {
  state.asOf = iso;
  ui.asofInput.value = iso ?? '';
  ui.status.textContent = iso ? `Replay as of ${fmtTime(iso)}; live updates paused.` : liveStatus();
  void refresh();
}

function statementSummary(l: TimelineLine): string {
  const c = l.content.length > 80 ? `${l.content.slice(0, 77)}…` : l.content;
  return `${l.source.name}: “${c}”`;
}

function renderTimeline(): void {
  const speaker = ui.speaker.value;
  const byId = new Map(state.shown.map((l) => [l.statementId, l]));
  const visible = speaker ? state.shown.filter((l) => l.source.speakerId === speaker) : state.shown;
  ui.body.classList.toggle('show-recorded', ui.showRecorded.checked);
  // Keep keyboard focus across re-renders (live updates re-render the list).
  const active = document.activeElement as HTMLElement | null;
  const holder = active && ui.days.contains(active) ? active.closest<HTMLElement>('[data-statement-id]') : null;
  const focusKey = holder ? { id: holder.id, target: active!.dataset.target, button: active!.classList.contains('show-source') } : null;
  ui.days.replaceChildren(
    ...groupByDay(visible).map((g) =>
      h(
        'section',
        { className: `day${g.dated ? '' : ' undated'}`, 'aria-label': g.label },
        h('h3', { className: 'day-label' }, g.label),
        h('ol', { className: 'statements' }, ...g.lines.map((l) => renderStatement(l, byId))),
      ),
    ),
  );
  if (focusKey) {
    const li = document.getElementById(focusKey.id);
    const again = focusKey.target ? li?.querySelector<HTMLElement>(`a[data-target="${focusKey.target}"]`) : focusKey.button ? li?.querySelector<HTMLElement>('.show-source') : li;
    again?.focus({ preventScroll: true });
  }
  requestAnimationFrame(drawLinks);
}

function renderStatement(l: TimelineLine, byId: Map<string, TimelineLine>): HTMLLIElement {
  const id = l.statementId;
  const quoted = l.kind === 'direct';
  const rel = (type: TimelineLine['relations'][number]['type'], other: string, dir: 'out' | 'in') => {
    const o = byId.get(other);
    return h(
      'li',
      { className: `rel rel-${type}`, 'data-relation': type, 'data-direction': dir },
      h('span', { className: 'rel-type' }, relationLabel(type, dir)),
      ' ',
      o
        ? h('a', { href: `#st-${other}`, 'data-target': other, onclick: (e: Event) => { e.preventDefault(); follow(other); } }, statementSummary(o))
        : h('span', { className: 'muted' }, 'a statement not on this timeline'),
    );
  };
  const rels = [...l.relations.map((r) => rel(r.type, r.target, 'out')), ...l.incoming.map((r) => rel(r.type, r.source, 'in'))];
  const g = dayGroup(l);
  return h(
    'li',
    {
      className: `stmt kind-${l.kind}${state.selected === id ? ' selected' : ''}`,
      id: `st-${id}`,
      tabindex: '-1',
      'data-statement-id': id,
      'data-speaker-id': l.source.speakerId,
      'data-speaker': l.source.name,
      'data-medium': l.medium ?? '',
      'data-said': g.key,
      'aria-current': state.selected === id ? 'true' : undefined,
    },
    h(
      'article',
      { 'aria-labelledby': `st-${id}-who` },
      h('h4', { className: 'who', id: `st-${id}-who` }, h('span', { className: 'speaker' }, l.source.name), l.source.role ? h('span', { className: 'role' }, `, ${l.source.role}`) : null),
      quoted ? h('blockquote', { className: 'content' }, `“${l.content}”`) : h('p', { className: 'content' }, l.content),
      h(
        'p',
        { className: 'meta' },
        h('span', { className: `badge kind` }, kindLabel(l.kind)),
        l.medium ? h('span', { className: 'badge medium' }, l.medium) : null,
        l.via.length ? h('span', { className: 'via' }, viaChain(l.via)) : null,
        l.cue ? h('span', { className: 'cue muted' }, `cue “${l.cue}”`) : null,
      ),
      h(
        'p',
        { className: 'recorded muted small' },
        'recorded ',
        h('time', { datetime: l.firstRecordedAt }, fmtTime(l.firstRecordedAt)),
        l.recordedAt !== l.firstRecordedAt ? h('span', {}, ', last changed ', h('time', { datetime: l.recordedAt }, fmtTime(l.recordedAt))) : null,
        ` · item ${l.itemUri} v${l.itemVersion}`,
      ),
      rels.length ? h('ul', { className: 'relations' }, ...rels) : null,
      h('button', { type: 'button', className: 'show-source', 'aria-controls': 'detail', onclick: () => select(id, true) }, 'Show source'),
    ),
  );
}

/** Follow a relation link: make the target visible, scroll to it, focus and select it. */
function follow(statementId: string): void {
  let el = document.getElementById(`st-${statementId}`);
  if (!el && ui.speaker.value) {
    ui.speaker.value = '';
    renderTimeline();
    el = document.getElementById(`st-${statementId}`);
  }
  if (!el) return;
  void select(statementId, false);
  el.scrollIntoView({ block: 'center' });
  el.focus({ preventScroll: true });
}

// ---------------------------------------------------------------- links

const SVG = 'http://www.w3.org/2000/svg';

/** Draw each relation between two visible statements as an arc in the left gutter. */
function drawLinks(): void {
  const svg = ui.links;
  const height = ui.days.offsetHeight;
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 28 ${height}`);
  svg.replaceChildren();
  const defs = document.createElementNS(SVG, 'defs');
  for (const t of ['contradicts', 'supports', 'other']) {
    const m = document.createElementNS(SVG, 'marker');
    for (const [k, v] of Object.entries({ id: `arrow-${t}`, viewBox: '0 0 6 6', refX: '5', refY: '3', markerWidth: '5', markerHeight: '5', orient: 'auto' })) m.setAttribute(k, v);
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('d', 'M0,0 L6,3 L0,6 z');
    p.setAttribute('class', `arrow arrow-${t}`);
    m.append(p);
    defs.append(m);
  }
  svg.append(defs);
  const y = (id: string) => {
    const el = document.getElementById(`st-${id}`);
    return el ? el.offsetTop + 14 : null;
  };
  let lane = 0;
  for (const l of state.shown) {
    for (const r of l.relations) {
      const y1 = y(l.statementId);
      const y2 = y(r.target);
      if (y1 === null || y2 === null || y1 === y2) continue;
      const w = 8 + (lane++ % 4) * 4;
      const x = 27;
      const t = r.type === 'contradicts' || r.type === 'supports' ? r.type : 'other';
      const p = document.createElementNS(SVG, 'path');
      p.setAttribute('d', `M${x},${y1} C${x - w * 2},${y1} ${x - w * 2},${y2} ${x},${y2}`);
      p.setAttribute('class', `link link-${t}${state.selected === l.statementId || state.selected === r.target ? ' active' : ''}`);
      p.setAttribute('marker-end', `url(#arrow-${t})`);
      p.setAttribute('data-from', l.statementId);
      p.setAttribute('data-to', r.target);
      p.setAttribute('data-relation', r.type);
      svg.append(p);
    }
  }
}

// ---------------------------------------------------------------- detail

let detailAbort: AbortController | null = null;

async function select(statementId: string, focusDetail: boolean): Promise<void> {
  state.selected = statementId;
  if (state.storyId) history.replaceState(null, '', `#story=${encodeURIComponent(state.storyId)}&statement=${encodeURIComponent(statementId)}`);
  for (const el of document.querySelectorAll('.stmt.selected')) {
    el.classList.remove('selected');
    el.removeAttribute('aria-current');
  }
  const el = document.getElementById(`st-${statementId}`);
  el?.classList.add('selected');
  el?.setAttribute('aria-current', 'true');
  drawLinks();
  detailAbort?.abort();
  const ac = (detailAbort = new AbortController());
  ui.detail.replaceChildren(h('p', { className: 'muted' }, 'Loading the source…'));
  try {
    const d = await getStatement(statementId, ac.signal);
    const s = d.statement;
    ui.detail.replaceChildren(
      h('p', { className: 'detail-who' }, h('strong', {}, s.source.name), s.source.role ? `, ${s.source.role}` : '', ` · ${kindLabel(s.kind)}${s.medium ? ` · ${s.medium}` : ''}${s.via.length ? ` · ${viaChain(s.via)}` : ''}`),
      ...(d.items.length
        ? d.items.map((it) => {
            const marks = s.mentions.filter((m) => m.itemUri === it.uri && m.itemVersion === it.version);
            return h(
              'article',
              { className: 'source-item', 'data-item-uri': it.uri },
              h('h3', {}, it.headline || '(no headline)'),
              h('p', { className: 'muted small' }, `${it.uri}, version ${it.version} · ${marks.length} mention${marks.length === 1 ? '' : 's'} highlighted`),
              h('div', { className: 'body-text' }, ...highlightSegments(it.bodyText, marks).map((seg) => (seg.mark ? h('mark', {}, seg.text) : seg.text))),
            );
          })
        : [h('p', { className: 'muted' }, 'The item text is not in the read model.')]),
    );
    ui.detail.querySelector('mark')?.scrollIntoView({ block: 'nearest' });
    if (focusDetail) ui.detailH.focus();
  } catch (err) {
    if ((err as Error).name === 'AbortError') return;
    ui.detail.replaceChildren(h('p', {}, `Could not load the source: ${(err as Error).message}`));
  }
}

// ---------------------------------------------------------------- live updates

const POLL_MS = 5000;

function liveStatus(): string {
  if (!state.storyId) return '';
  if (state.events && state.events.readyState === EventSource.OPEN) return 'Live: changes appear as they are recorded (server-sent events).';
  if (state.poll) return `Live: checking for changes every ${POLL_MS / 1000} s (this server has no event stream).`;
  return 'Connecting for live updates…';
}

function showLiveStatus(): void {
  if (!state.asOf) ui.status.textContent = liveStatus();
}

let refreshTimer = 0;
function scheduleRefresh(): void {
  clearTimeout(refreshTimer);
  refreshTimer = window.setTimeout(() => {
    refreshStories();
    if (state.asOf) ui.status.textContent = `Replay as of ${fmtTime(state.asOf)}; new changes were recorded since (choose Live to see them).`;
    void refresh();
  }, 100);
}

/** Subscribe to a story's Server-Sent Events; fall back to polling GET /stories when the stream is missing. */
function subscribe(storyId: string): void {
  state.events?.close();
  state.events = null;
  clearInterval(state.poll);
  state.poll = 0;
  const es = new EventSource(`/stories/${encodeURIComponent(storyId)}/events`);
  state.events = es;
  es.addEventListener('open', showLiveStatus);
  es.addEventListener('timeline', () => scheduleRefresh());
  es.addEventListener('error', () => {
    if (es.readyState === EventSource.CLOSED && state.events === es) {
      state.events = null;
      startPolling(storyId);
    }
    showLiveStatus();
  });
  showLiveStatus();
}

function startPolling(storyId: string): void {
  clearInterval(state.poll);
  state.poll = window.setInterval(async () => {
    if (state.storyId !== storyId) return;
    try {
      if ((await storyPosition(storyId)) !== state.lastPosition) scheduleRefresh();
    } catch {
      /* try again next tick */
    }
  }, POLL_MS);
  showLiveStatus();
}

// ---------------------------------------------------------------- wiring

ui.searchForm.addEventListener('submit', (e) => {
  e.preventDefault();
  clearTimeout(searchTimer);
  void loadStories();
});
ui.search.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = window.setTimeout(() => void loadStories(), 200);
});
ui.speaker.addEventListener('change', renderTimeline);
ui.showRecorded.addEventListener('change', () => {
  ui.body.classList.toggle('show-recorded', ui.showRecorded.checked);
  requestAnimationFrame(drawLinks);
});
let rangeTimer = 0;
ui.asofRange.addEventListener('input', () => {
  const iso = momentAt(Number(ui.asofRange.value));
  ui.asofLabel.value = iso === null ? 'now (live)' : fmtTime(iso);
  ui.asofRange.setAttribute('aria-valuetext', ui.asofLabel.value);
  clearTimeout(rangeTimer);
  rangeTimer = window.setTimeout(() => setAsOf(iso), 150);
});
ui.controls.addEventListener('submit', (e) => {
  e.preventDefault();
  const v = ui.asofInput.value.trim();
  if (!v) return setAsOf(null);
  const iso = parseInstant(v);
  if (!iso) {
    ui.msg.textContent = `“${v}” is not an ISO 8601 instant (for example 2019-06-04T15:00:00Z).`;
    ui.asofInput.focus();
    return;
  }
  setAsOf(iso);
});
ui.asofLive.addEventListener('click', () => setAsOf(null));
new ResizeObserver(() => requestAnimationFrame(drawLinks)).observe(ui.days);

void (async () => {
  await loadStories();
  // Deep links: #story=<id>[&statement=<id>]
  const m = /story=([0-9a-f-]{36})/i.exec(location.hash);
  const st = /statement=([0-9a-f-]{36})/i.exec(location.hash);
  if (m) await openStory(m[1]);
  if (m && st && document.getElementById(`st-${st[1]}`)) follow(st[1]);
  setInterval(refreshStories, 30_000);
})();
