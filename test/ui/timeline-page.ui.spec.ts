import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { Pipeline, startPipeline } from '../support/pipeline';

/**
 * Browser test of the timeline page (`npm run test:ui`): the whole pipeline
 * in-process on the corpus articles (as `timeline demo` ingests them), the
 * page served by the api at `/`, driven in Debian's Chromium (headless, no
 * sandbox, background networking off, a fresh profile). Screenshots go to
 * test/ui/artifacts (gitignored).
 */
// Functions passed to page.evaluate run in the page; the project compiles for Node (no DOM lib).
declare const document: any;
declare const window: any;

const CHROMIUM = '/usr/bin/chromium';
const corpus = path.resolve(__dirname, '../../../shared/corpus');
const artifacts = path.join(__dirname, 'artifacts');
const seed = JSON.parse(readFileSync(path.join(corpus, 'articles/seed-kremlin-venezuela.json'), 'utf8'));
/** A later version of the seed with one more (invented) statement, ingested while the page is open. */
const followUp = {
  ...seed,
  version: String(Number(seed.version) + 1),
  versioncreated: '2019-06-05T09:00:00Z',
  ednote: 'Adds a comment from the Pentagon',
  body_text: `${seed.body_text}\n\n“We are watching every flight into Caracas,” Pentagon spokesman Jordan Vale told reporters on Wednesday.`,
};

/** A third version, ingested while the event stream is unavailable. */
const secondFollowUp = {
  ...followUp,
  version: String(Number(followUp.version) + 1),
  versioncreated: '2019-06-05T12:00:00Z',
  body_text: `${followUp.body_text}\n\n“No aircraft has left Caracas this week,” airport director Teodora Quill told reporters on Wednesday.`,
};

async function post(url: string, body: unknown): Promise<string[]> {
  const res = await fetch(`${url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json: any = await res.json();
  if (res.status !== 202) throw new Error(`POST /items answered ${res.status}: ${JSON.stringify(json)}`);
  return json.eventIds;
}

describe('timeline page in Chromium', () => {
  let p: Pipeline;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const pageErrors: string[] = [];
  const offOrigin: string[] = [];

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    p = await startPipeline();
    const items = readdirSync(path.join(corpus, 'articles'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(path.join(corpus, 'articles', f), 'utf8')))
      .sort((a, b) => a.firstcreated.localeCompare(b.firstcreated) || Number(a.version) - Number(b.version));
    const ids: string[] = [];
    for (const item of items) ids.push(...(await post(p.ingestUrl, item)));
    await p.settled(ids, 60_000);

    profile = mkdtempSync(path.join(tmpdir(), 'timeline-ui-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // The page makes same-origin calls only: anything else is refused and recorded.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${p.apiUrl}/`) || url.startsWith('data:')) return route.continue();
      offOrigin.push(url);
      return route.abort();
    });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await p?.stop();
  }, 60_000);

  /** Full-page screenshot from the top (sticky panes stay in place), or just the viewport as it is. */
  const shot = async (name: string, fullPage = true) => {
    if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage });
  };
  const tweetLine = () => page.locator('li.stmt[data-medium="tweet"]').filter({ has: page.locator('.speaker', { hasText: 'Trump' }) });

  it('shows the seed story found by search, with Peskov contradicting Trump’s tweet, linked and followable', async () => {
    await page.goto(`${p.apiUrl}/`);
    await page.getByLabel('Search stories').fill('Kremlin');
    await page.waitForFunction(() => /matching “Kremlin”/.test(document.getElementById('stories-msg')!.textContent ?? ''));
    const titles = await page.locator('button.story .story-title').allTextContents();
    expect(titles).toContain(seed.headline);
    expect(titles.every((t) => /kremlin/i.test(t))).toBe(true);
    const story = page.locator('button.story', { hasText: seed.headline });
    await story.click();

    await tweetLine().first().waitFor();
    const tweetId = (await tweetLine().first().getAttribute('data-statement-id'))!;
    const link = page.locator(`li.stmt[data-speaker*="Peskov"] li.rel[data-relation="contradicts"][data-direction="out"] a[data-target="${tweetId}"]`);
    expect(await link.count()).toBeGreaterThan(0);
    // the tweet names who contradicts it
    expect(await tweetLine().first().locator('li.rel[data-relation="contradicts"][data-direction="in"]').count()).toBeGreaterThan(0);
    // and the link is drawn as an arc from a Peskov statement to the tweet
    const arcs = page.locator(`svg#links path[data-relation="contradicts"][data-to="${tweetId}"]`);
    expect(await arcs.count()).toBeGreaterThan(0);
    const from = await arcs.first().getAttribute('data-from');
    expect(await page.locator(`li.stmt[data-statement-id="${from}"]`).getAttribute('data-speaker')).toMatch(/Peskov/);
    // grouped by said_at day: the tweet sits under Monday 3 June 2019
    expect(await tweetLine().first().getAttribute('data-said')).toBe('2019-06-03');
    expect(await page.locator('section.day', { has: tweetLine() }).locator('h3').textContent()).toBe('Mon 3 Jun 2019');

    await link.first().click();
    const tweet = page.locator(`li#st-${tweetId}`);
    await page.waitForFunction((id) => document.activeElement?.id === `st-${id}`, tweetId);
    expect(await tweet.getAttribute('aria-current')).toBe('true');
    // the source pane shows the item with the tweet's mentions highlighted
    const marks = page.locator('#detail-body mark');
    await marks.first().waitFor();
    expect(await page.locator('#detail-body h3').first().textContent()).toBe(seed.headline);
    const marked = (await marks.allTextContents()).join(' ');
    expect(marked).toMatch(/tweet|Trump|removed/i);
    await shot('1-seed-story');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('replays the timeline as of before the tweet was recorded: the tweet disappears, and comes back live', async () => {
    await page.getByLabel('Recorded times').check();
    const range = page.locator('#asof-range');
    await range.focus();
    await page.keyboard.press('Home');
    await page.waitForFunction(() => /Nothing of this story was recorded yet/.test(document.getElementById('timeline-msg')!.textContent ?? ''));
    expect(await tweetLine().count()).toBe(0);
    expect(await page.locator('#live-status').textContent()).toMatch(/Replay as of/);
    await shot('2-as-of-before-the-tweet');

    await page.keyboard.press('End');
    await tweetLine().first().waitFor();
    expect(await page.locator('#asof-label').textContent()).toBe('now (live)');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  // settled() waits up to 60 s: the projector reads only below the cluster-wide snapshot xmin (gap-safe), so a long transaction elsewhere on a shared server delays it.
  it('shows a newly ingested statement live, without reloading the page', async () => {
    await page.waitForFunction(() => /server-sent events/.test(document.getElementById('live-status')!.textContent ?? ''));
    await page.evaluate(() => ((window as any).__notReloaded = true));
    expect(await page.locator('li.stmt[data-speaker*="Vale"]').count()).toBe(0);
    await p.settled(await post(p.ingestUrl, followUp), 60_000);
    await page.locator('li.stmt[data-speaker*="Vale"]').first().waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => (window as any).__notReloaded)).toBe(true);
    await shot('3-live-update');

    // one recorded moment back (before the new version was recorded): the earlier timeline, without the new statement
    await page.locator('#asof-range').focus();
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => /Replaying the log as of/.test(document.getElementById('timeline-msg')!.textContent ?? ''));
    expect(await page.locator('li.stmt[data-speaker*="Vale"]').count()).toBe(0);
    expect(await page.locator('li.stmt').count()).toBeGreaterThan(0);
    await page.keyboard.press('End');
    await page.locator('li.stmt[data-speaker*="Vale"]').first().waitFor();
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('fits 360 px without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.waitForFunction(() => document.documentElement.clientWidth === 360);
    const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(scroll).toBeLessThanOrEqual(client);
    await shot('4-narrow-360px-top', false);
    await page.locator('li.stmt[data-medium="tweet"]').first().scrollIntoViewIfNeeded();
    await shot('4-narrow-360px-tweet', false);
  }, 30_000);

  it('reaches the main controls with the keyboard', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.evaluate(() => document.activeElement?.blur());
    const seen = new Set<string>();
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => {
        const a = document.activeElement;
        if (!a) return '';
        return a.id || (a.classList.contains('story') ? 'story' : a.classList.contains('show-source') ? 'show-source' : a.closest('li.rel') ? 'relation-link' : a.tagName.toLowerCase());
      });
      seen.add(id);
    }
    for (const control of ['search', 'story', 'speaker', 'show-recorded', 'asof-range', 'asof-input', 'relation-link', 'show-source']) expect([...seen]).toContain(control);

    // Enter on a relation link moves focus to the statement it names
    const link = page.locator('li.stmt[data-speaker*="Peskov"] li.rel[data-relation="contradicts"][data-direction="out"] a').first();
    const target = await link.getAttribute('data-target');
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => document.activeElement?.id === `st-${id}`, target);

    // choosing a speaker with the arrow keys filters the timeline
    const options = await page.locator('#speaker option').allTextContents();
    const index = options.findIndex((o) => /Peskov/.test(o));
    expect(index).toBeGreaterThan(0);
    await page.locator('#speaker').focus();
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
    expect(await page.locator('#speaker option:checked').textContent()).toMatch(/Peskov/);
    await page.waitForFunction(() => !document.querySelector('li.stmt[data-medium="tweet"]'));
    const speakers = await page.locator('li.stmt').evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-speaker')))]);
    expect(speakers).toEqual([expect.stringMatching(/Peskov/)]);
    await shot('5-speaker-filter');
  }, 60_000);

  it('falls back to polling when the server has no event stream, and still updates without reload', async () => {
    const other = await context.newPage();
    try {
      await other.route('**/stories/*/events*', (route) => route.fulfill({ status: 404, contentType: 'application/json', body: '{"message":"no event stream"}' }));
      await other.goto(page.url());
      await other.waitForFunction(() => /checking for changes every/.test(document.getElementById('live-status')!.textContent ?? ''));
      await other.locator('li.stmt[data-speaker*="Vale"]').first().waitFor();
      expect(await other.locator('li.stmt[data-speaker*="Quill"]').count()).toBe(0);
      await other.evaluate(() => ((window as any).__notReloaded = true));
      await p.settled(await post(p.ingestUrl, secondFollowUp), 60_000);
      await other.locator('li.stmt[data-speaker*="Quill"]').first().waitFor({ timeout: 20_000 });
      expect(await other.evaluate(() => (window as any).__notReloaded)).toBe(true);
    } finally {
      await other.close();
    }
  }, 120_000);

  it('opens a deep link to a statement in a new page', async () => {
    const url = page.url();
    const id = /statement=([0-9a-f-]{36})/.exec(url)?.[1];
    expect(id).toBeDefined();
    const other = await context.newPage();
    try {
      await other.goto(url);
      await other.waitForFunction((sid) => document.getElementById(`st-${sid}`)?.getAttribute('aria-current') === 'true', id);
      await other.locator('#detail-body mark').first().waitFor();
    } finally {
      await other.close();
    }
    expect(offOrigin).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
