import fc from 'fast-check';
import { normalizeDocument, NormalizationError } from '@timeline/feeds';

/**
 * Fuzzing the parsers with fast-check: whatever the bytes, normalizeDocument
 * returns or throws a one-line NormalizationError — never another error, a
 * hang or unbounded memory. CI runs a small count; for the full run
 * (≥ 10,000 documents per format): `FEEDS_FUZZ_RUNS=10000 npx jest libs/feeds/src/fuzz --selectProjects unit`.
 */
const RUNS = Number(process.env.FEEDS_FUZZ_RUNS ?? 150);
const AT = { receivedAt: '2026-01-01T00:00:00Z', maxItemBytes: 200_000, maxFeedBytes: 2_000_000 };

function check(doc: string | Uint8Array, contentType?: string): void {
  const t = Date.now();
  try {
    const r = normalizeDocument(doc, { ...AT, contentType });
    for (const it of r.items) expect(typeof it.uri).toBe('string');
  } catch (err) {
    if (!(err instanceof NormalizationError)) throw err;
    expect(err.message).not.toMatch(/\n/);
  }
  expect(Date.now() - t).toBeLessThan(3000);
}

const text = fc.string({ maxLength: 40 });
const tag = fc.constantFrom('p', 'b', 'div', 'br', 'script', 'media', 'body.content', 'hl1');
const markup = fc.array(fc.oneof(text, tag.map((t) => `<${t}>`), tag.map((t) => `</${t}>`), fc.constantFrom('&amp;', '&', '&#x41;', '&nbsp;', '<![CDATA[x]]>', '“q”', 'Ã©')), { maxLength: 20 }).map((xs) => xs.join(''));
const date = fc.oneof(fc.constantFrom('Thu, 01 Jan 2004 19:48:21 GMT', '2024-05-01T10:00:00Z', 'Last Tuesday', '', '2024-13-45'), text);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

const rss = fc.tuple(fc.array(fc.tuple(text, date, markup, text), { maxLength: 5 }), fc.boolean()).map(([items, escapeBody]) =>
  `<?xml version="1.0"?><rss version="2.0"><channel>${items.map(([g, d, body, title]) => `<item><guid>${esc(g)}</guid><pubDate>${esc(d)}</pubDate><title>${esc(title)}</title><description>${escapeBody ? esc(body) : body}</description></item>`).join('')}</channel></rss>`);
const atom = fc.array(fc.tuple(text, date, markup, fc.constantFrom('text', 'html', 'xhtml', 'application/octet-stream')), { maxLength: 5 }).map((entries) =>
  `<feed xmlns="http://www.w3.org/2005/Atom">${entries.map(([id, d, body, type]) => `<entry><id>${esc(id)}</id><updated>${esc(d)}</updated><content type="${type}">${type === 'xhtml' ? `<div>${body}</div>` : esc(body)}</content></entry>`).join('')}</feed>`);
const g2 = fc.tuple(text, fc.string({ maxLength: 5 }), fc.constantFrom('stat:usable', 'stat:canceled', 'stat:withheld', 'x'), date, markup).map(([guid, v, st, d, body]) =>
  `<newsItem guid="${esc(guid).replace(/"/g, '&quot;')}" version="${esc(v).replace(/"/g, '&quot;')}"><itemMeta><pubStatus qcode="${st}"/><versionCreated>${esc(d)}</versionCreated></itemMeta><contentSet><inlineXML contenttype="application/nitf+xml"><nitf><body><body.content>${body}</body.content></body></nitf></inlineXML></contentSet></newsItem>`);
const jsonFeed = fc.array(fc.record({ id: fc.oneof(text, fc.integer()), title: text, content_html: markup, date_published: date }, { requiredKeys: [] }), { maxLength: 5 }).map((items) =>
  JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 't', items }));
const ninjs = fc.record({ uri: text, version: fc.oneof(text, fc.integer()), pubstatus: fc.constantFrom('usable', 'canceled', 'cancelled'), versioncreated: date, body_html: markup }, { requiredKeys: [] }).map((o) => JSON.stringify(o));
const html = fc.tuple(markup, text).map(([body, title]) => `<!doctype html><html><head><title>${esc(title)}</title><link rel="canonical" href="https://e.example/a"></head><body><article>${body}</article></body></html>`);

describe('fuzz: no crash, no hang, one-line refusals', () => {
  it.each([
    ['rss', rss],
    ['atom', atom],
    ['newsml-g2', g2],
    ['jsonfeed', jsonFeed],
    ['ninjs', ninjs],
    ['html', html],
  ] as Array<[string, fc.Arbitrary<string>]>)('%s documents', (_name, arb) => {
    fc.assert(fc.property(arb, (doc) => check(doc)), { numRuns: RUNS });
  }, 600_000);

  it('mutated documents (truncated, bytes flipped)', () => {
    const any = fc.oneof(rss, atom, g2, jsonFeed, ninjs, html);
    fc.assert(
      fc.property(any, fc.nat(), fc.uint8Array({ maxLength: 8 }), (doc, cut, noise) => {
        const bytes = Buffer.from(doc);
        const at = bytes.length ? cut % bytes.length : 0;
        check(Buffer.concat([bytes.subarray(0, at), Buffer.from(noise), bytes.subarray(at + noise.length)]));
        check(bytes.subarray(0, at));
      }),
      { numRuns: RUNS },
    );
  }, 600_000);

  it('random bytes under every content type', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(undefined, 'application/json', 'application/rss+xml', 'text/html', 'application/xml; charset=utf-16'), (b, ct) => check(b, ct)), { numRuns: RUNS });
  });
});
