import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as iconv from 'iconv-lite';
import { cleanupBody, decodeDocument, DocumentTooLargeError, headlineTags, normalizeDocument, NormalizationError, parseFeedDate, repairMojibake, versionFromDate } from '@timeline/feeds';

const feeds = path.resolve(__dirname, '../../../../shared/corpus/feeds');
const read = (rel: string) => readFileSync(path.join(feeds, rel));
const AT = { receivedAt: '2026-01-01T00:00:00Z' };

describe('NewsML-G2', () => {
  it('given the IPTC text newsItem with a NITF body, reads guid, version, times, located, byline, language and the body paragraphs', () => {
    const { format, items } = normalizeDocument(read('newsml-g2/iptc-newsml-g2/examples/LISTING_2_NewsML-G2_Text_Document.xml'));
    expect(format).toBe('newsml-g2');
    const [it] = items;
    expect(it.uri).toBe('urn:newsml:acmenews.com:20161121:US-FINANCE-FED');
    expect(it.version).toBe(11);
    expect(it.pubstatus).toBe('usable');
    expect(it.versioncreated).toBe('2018-11-21T21:25:32.000Z');
    expect(it.firstcreated).toBe('2016-11-21T20:21:06.000Z');
    expect(it.headline).toBe('Fed to halt QE to avert "bubble"');
    expect(it.located).toBe('New York, NY');
    expect(it.byline).toBe('Meredith Jameson');
    expect(it.language).toBe('en-US');
    expect(it.body_text.split('\n\n')).toHaveLength(2);
    expect(it.body_text).toMatch(/^\(New York, NY - October 21\) Et, sent luptat/);
    expect(it.subject.map((s) => s.name)).toContain('central bank');
  });

  it('given a TT newsMessage (package + text + picture), ingests the newsItems and names the package as refused', () => {
    const doc = normalizeDocument(read('newsml-g2/iptc-newsinjson/tools/xslt/TT_newsmlg2_sample.xml'));
    expect(doc.items.map((i) => i.uri)).toEqual(['http://tt.se/media/text/210919-janguillou-879f202b', 'http://tt.se/media/image/sdlm1btzmKu8WU']);
    expect(doc.items[0].language).toBe('sv');
    expect(doc.items[0].body_text).toContain('Jan Guillou arbetar just nu');
    expect(doc.rejected[0].message).toMatch(/^entry 0 \(http:\/\/tt\.se\/media\/text\/210919-janguillou-879f202b-pack\): \(item\): a NewsML-G2 packageItem carries no text/);
  });

  it('given sig:correction and edNote, keeps both on the version (ednote)', () => {
    const [it] = normalizeDocument(read('newsml-g2/iptc-newsml-g2/tests/unit_test_files/2.20/should_pass/CR00183_qcodetype_attributes_cardinality.xml')).items;
    expect(it.ednote).toMatch(/signal: correction \(NewsML-G2 sig:correction\)/);
    const [upd] = normalizeDocument(read('newsml-g2/iptc-newsml-g2/examples/LISTING_1_A_NewsML-G2_News_Item.xml')).items;
    expect(upd.ednote).toMatch(/signal: update/);
    const [part] = normalizeDocument(read('newsml-g2/iptc-newsml-g2/tests/unit_test_files/2.21/should_pass/CR00184_partmeta_properties.xml')).items;
    expect(part.ednote).toMatch(/^Note to editors: Updates previous version/);
  });

  const g2 = (status: string, version = 2) => `<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x:1" version="${version}" standard="NewsML-G2">
  <itemMeta><itemClass qcode="ninat:text"/><versionCreated>2024-05-01T10:00:00Z</versionCreated>${status}</itemMeta>
  <contentMeta><headline>Minister resigns</headline></contentMeta>
  <contentSet><inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><body><p>“I quit,” the minister said.</p></body></html></inlineXML></contentSet>
</newsItem>`;

  it.each([
    ['<pubStatus qcode="stat:usable"/>', 'usable'],
    ['<pubStatus qcode="stat:withheld"/>', 'withheld'],
    ['<pubStatus qcode="stat:canceled"/>', 'canceled'],
    ['<pubStatus uri="http://cv.iptc.org/newscodes/pubstatusg2/canceled"/>', 'canceled'],
    ['', 'usable'],
  ])('given pubStatus %s, the item is %s', (status, expected) => {
    const [it] = normalizeDocument(g2(status), { contentType: 'application/vnd.iptc.g2.newsitem+xml' }).items;
    expect(it.pubstatus).toBe(expected);
    expect(it.body_text).toBe('“I quit,” the minister said.');
  });

  it('given an unknown pubStatus, refuses the item naming the field', () => {
    expect(() => normalizeDocument(g2('<pubStatus qcode="stat:replaced"/>'))).toThrow(/^pubstatus: "stat:replaced" is not one of/);
  });

  it('given a fragment (contentMeta root) or NewsML 1.2, refuses it in one line', () => {
    expect(() => normalizeDocument(read('newsml-g2/iptc-newsml-g2/examples/LISTING_28_Illustrating_Located_Subject_and_Dateline.xml'))).toThrow(/root element <contentMeta>/);
    expect(() => normalizeDocument(read('newsml1-nitf/iptc-newsinjson/tools/xslt/afp.com_newsml1.2_sample.xml'))).toThrow(/NewsML 1\.x is not supported/);
  });
});

describe('RSS', () => {
  it('given a feed with an unescaped & in one link, recovers and keeps all three items', () => {
    const doc = normalizeDocument(read('rss/danmactough-node-feedparser/test/feeds/saxerror.xml'), AT);
    expect(doc.format).toBe('rss');
    expect(doc.items.map((i) => i.uri)).toEqual(['http://example.com/good', 'http://example.com/bad', 'http://example.com/after']);
  });

  it('given RSS 1.0 with Dublin Core, reads rdf items, dc:date as version, dc:creator', () => {
    const [it] = normalizeDocument(read('rss/kurtmckee-feedparser/tests/wellformed/namespace/rss1.0withModules.xml'), AT).items;
    expect(it.headline).toBe('Test Item - RSS 1.0');
    expect(it.versioncreated).toBe('2002-09-28T20:01:19.000Z');
    expect(it.version).toBe(versionFromDate('2002-09-28T20:01:19Z'));
  });

  it('given relative links and xml:base, resolves the item link', () => {
    const [it] = normalizeDocument(read('rss/danmactough-node-feedparser/test/feeds/rss-with-trailing-meta.xml'), AT).items;
    expect(it.uri).toBe('https://example.com/items/1');
  });

  it('given an item without guid or link, refuses that entry with a clear line and keeps the feed', () => {
    const doc = normalizeDocument(read('rss/kurtmckee-feedparser/tests/wellformed/rss/item_dc_creator.xml'), AT);
    expect(doc.items).toHaveLength(0);
    expect(doc.rejected[0].message).toBe('entry 0: uri: the item has no guid, link or rdf:about (an item needs an identity)');
  });

  const rss = (item: string, decl = '<?xml version="1.0"?>') => `${decl}<rss version="2.0"><channel><link>http://example.com/</link>${item}</channel></rss>`;

  it('given escaped HTML, naked markup, content:encoded and authors, renders text and byline', () => {
    const doc = normalizeDocument(
      rss(`<item><guid>http://e.x/1</guid><pubDate>Thu, 01 Jan 2004 19:48:21 GMT</pubDate><title>T &amp; U</title><description>&lt;p&gt;Example &lt;b&gt;description&lt;/b&gt;&lt;/p&gt;</description><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">A</dc:creator><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">B</dc:creator></item>
           <item><guid>http://e.x/2</guid><description><p>Naked <i>markup</i></p></description><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[<p>Full</p><p>text<script>x()</script></p>]]></content:encoded></item>`),
      AT,
    );
    expect(doc.items[0]).toMatchObject({ headline: 'T & U', body_text: 'Example description', byline: 'A, B', version: versionFromDate('2004-01-01T19:48:21Z'), versioncreated: '2004-01-01T19:48:21.000Z' });
    expect(doc.items[1]).toMatchObject({ body_text: 'Full\n\ntext', version: 1, versioncreated: '2026-01-01T00:00:00.000Z' });
  });

  it('given a bare guid (isPermaLink=false), qualifies it with the feed URL', () => {
    const [it] = normalizeDocument(rss('<item><guid isPermaLink="false">42</guid></item>'), { ...AT, baseUrl: 'https://news.example/feed.xml' }).items;
    expect(it.uri).toBe('https://news.example/feed.xml#42');
  });

  it('given an odd pubDate, refuses that entry naming the field', () => {
    const doc = normalizeDocument(rss('<item><guid>http://e.x/1</guid><pubDate>Last Tuesday</pubDate></item>'), AT);
    expect(doc.rejected[0].message).toMatch(/^entry 0 \(http:\/\/e\.x\/1\): pubDate: "Last Tuesday" is not a date-time/);
  });

  it('given agency headline tags, strips them and sets the status: KILL → canceled, CORRECTED → correction signal', () => {
    const doc = normalizeDocument(
      rss(`<item><guid>http://e.x/1</guid><title>KILL - Police detain councillor</title></item>
           <item><guid>http://e.x/2</guid><title>CORRECTED-UPDATE 2-Minister quits</title></item>
           <item><guid>http://e.x/3</guid><title>REFILE-Port strike ends</title></item>
           <item><guid>http://e.x/4</guid><title>Kill Bill review</title><description>&lt;p&gt;STORY WITHDRAWN&lt;/p&gt;&lt;p&gt;The story was withdrawn.&lt;/p&gt;</description></item>`),
      AT,
    );
    expect(doc.items.map((i) => [i.headline, i.pubstatus])).toEqual([
      ['Police detain councillor', 'canceled'],
      ['Minister quits', 'usable'],
      ['Port strike ends', 'usable'],
      ['Kill Bill review', 'canceled'],
    ]);
    expect(doc.items[1].ednote).toMatch(/signal: correction \(headline tag CORRECTED\)\nsignal: update/);
    expect(doc.items[2].ednote).toMatch(/signal: refile/);
  });

  it('given double-encoded UTF-8 and win-1252 code points, repairs the text (no mojibake)', () => {
    const doc = normalizeDocument(
      rss(`<item><guid>http://e.x/1</guid><description>&#226;&#128;&#166;</description></item><item><guid>http://e.x/2</guid><description>don\u0092t</description></item>`),
      AT,
    );
    expect(doc.items.map((i) => i.body_text)).toEqual(['\u2026', 'don\u2019t']);
  });
});

describe('Atom', () => {
  const atom = (entries: string) => `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:at="http://purl.org/atompub/tombstones/1.0" xml:lang="en"><author><name>Desk</name></author>${entries}</feed>`;

  it('given text, html, xhtml and base64 content, renders each to the same text', () => {
    const doc = normalizeDocument(
      atom(`<entry><id>tag:x,2024:1</id><updated>2024-05-01T10:00:00Z</updated><content type="html">Example &lt;b&gt;Atom&lt;/b&gt;</content></entry>
            <entry><id>tag:x,2024:2</id><updated>2024-05-01T10:00:00Z</updated><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Example <b>Atom</b></div></content></entry>
            <entry><id>tag:x,2024:3</id><updated>2024-05-01T10:00:00Z</updated><content type="application/octet-stream">RXhhbXBsZSA8Yj5BdG9tPC9iPg==</content></entry>
            <entry><id>tag:x,2024:4</id><updated>2024-05-01T10:00:00Z</updated><content>Example Atom</content></entry>`),
    );
    expect(doc.format).toBe('atom');
    expect(doc.items.map((i) => i.body_text)).toEqual(['Example Atom', 'Example Atom', 'Example Atom', 'Example Atom']);
    expect(doc.items[0]).toMatchObject({ byline: 'Desk', language: 'en', version: versionFromDate('2024-05-01T10:00:00Z') });
  });

  it('given repeated updated and a source/id, takes the entry id and the last updated', () => {
    const doc = normalizeDocument(read('atom/kurtmckee-feedparser/tests/wellformed/node_precedence/atom10_id.xml'), AT);
    expect(doc.items.map((i) => i.uri)).toEqual(['Correct Value', 'Correct Value']);
  });

  it('given at:deleted-entry, makes a kill with a later version than the entry it deletes', () => {
    const doc = normalizeDocument(
      atom(`<entry><id>tag:x,2024:1</id><published>2024-05-01T09:00:00Z</published><updated>2024-05-01T10:00:00Z</updated><title>Story</title><content>Text.</content></entry>
            <at:deleted-entry ref="tag:x,2024:1" when="2024-05-02T08:00:00Z"><at:comment>Withdrawn: legal</at:comment></at:deleted-entry>`),
    );
    const [live, kill] = doc.items;
    expect(kill).toMatchObject({ uri: live.uri, pubstatus: 'canceled', ednote: 'Withdrawn: legal\nsignal: kill (Atom at:deleted-entry)' });
    expect(kill.version).toBeGreaterThan(live.version);
  });
});

describe('JSON Feed', () => {
  it('given the 1.1 podcast example, prefers content_text and reads date_published with its offset', () => {
    const [it] = normalizeDocument(read('jsonfeed/manton-JSONFeed/extracted/spec-1.1-example-2-podcast.json')).items;
    expect(it.uri).toBe('http://therecord.co/chris-parrish');
    expect(it.versioncreated).toBe('2014-05-09T21:04:00.000Z');
    expect(it.body_text).toMatch(/^Chris has worked at Adobe/);
  });

  it('given content_html with a script, drops the script', () => {
    const doc = normalizeDocument(read('jsonfeed/kurtmckee-feedparser/tests/json/example.json'), AT);
    expect(doc.format).toBe('jsonfeed');
    for (const it of doc.items) expect(it.body_text).not.toMatch(/script|alert/);
  });
});

describe('HTML pages', () => {
  const page = readFileSync(path.join(feeds, 'html/mozilla-readability/test/test-pages/parsely-metadata/source.html'), 'utf8');

  it('given a page with Parse.ly metadata and its URL as Content-Location, takes the date and author', () => {
    const [it] = normalizeDocument(page, { contentType: 'text/html', baseUrl: 'https://www.doubleudoubleudoubleu.com/a' }).items;
    expect(it).toMatchObject({ uri: 'https://www.doubleudoubleudoubleu.com/a', versioncreated: '2024-04-20T04:20:00.000Z', byline: 'Jane Doe', version: versionFromDate('2024-04-20T04:20:00Z') });
    expect(it.body_text).toMatch(/Lorem ipsum/);
  });

  it('given JSON-LD NewsArticle with dateModified and a correction, takes them over OpenGraph', () => {
    const html = `<!doctype html><html lang="en"><head><title>x</title>
      <meta property="og:url" content="https://news.example/a"><meta property="og:title" content="OG title">
      <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"NewsArticle","headline":"Mayor quits","url":"https://news.example/a","datePublished":"2024-05-01T10:00:00Z","dateModified":"2024-05-02T11:00:00+01:00","author":[{"@type":"Person","name":"Ann Lee"}],"correction":{"@type":"CorrectionComment","text":"An earlier version misspelt the mayor's name."}}]}</script>
      </head><body><article><h1>Mayor quits</h1>${'<p>“I am leaving,” the mayor said on Tuesday, according to officials who spoke at length about the process and its consequences for the city.</p>'.repeat(4)}</article></body></html>`;
    const [it] = normalizeDocument(html).items;
    expect(it).toMatchObject({ uri: 'https://news.example/a', headline: 'Mayor quits', byline: 'Ann Lee', firstcreated: '2024-05-01T10:00:00.000Z', versioncreated: '2024-05-02T10:00:00.000Z', version: versionFromDate('2024-05-02T10:00:00Z'), language: 'en' });
    expect(it.ednote).toMatch(/^Correction: An earlier version misspelt/);
    expect(it.ednote).toMatch(/signal: correction/);
    expect(it.body_text).toMatch(/^“I am leaving,” the mayor said/);
  });

  it('given a page without any URL and none passed, refuses it saying how to give one', () => {
    expect(() => normalizeDocument(read('html/mozilla-readability/test/test-pages/rtl-1/source.html'), AT)).toThrow(/^uri: the page names no URL .*Content-Location/);
  });
});

describe('encodings (decided in one place)', () => {
  it('given KOI8-R without a declaration, detects it (no mojibake)', () => {
    const d = decodeDocument(read('rss/kurtmckee-feedparser/tests/illformed/chardet/koi8r.xml'));
    expect(d).toMatchObject({ encoding: 'koi8-r', decidedBy: 'detected' });
    expect(d.text).toMatch(/[а-яА-Я]{4}/);
  });

  it('given an HTTP charset, it overrides the XML declaration; a BOM overrides both', () => {
    const bytes = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="utf-8"?><rss><channel><title>'), iconv.encode('Ωμέγα', 'iso-8859-7'), Buffer.from('</title></channel></rss>')]);
    expect(decodeDocument(bytes, { contentType: 'text/xml; charset=iso-8859-7' })).toMatchObject({ decidedBy: 'http', encoding: 'iso-8859-7' });
    expect(decodeDocument(bytes, { contentType: 'text/xml; charset=iso-8859-7' }).text).toContain('Ωμέγα');
    expect(decodeDocument(read('rss/kurtmckee-feedparser/tests/encoding/utf-16be-bom.xml'), { charset: 'latin1' }).decidedBy).toBe('bom');
    expect(decodeDocument(read('rss/kurtmckee-feedparser/tests/encoding/utf-16le-autodetect.xml')).encoding).toBe('utf-16le');
  });

  it('given euc-kr and big5 declared, decodes the titles', () => {
    expect(decodeDocument(read('rss/kurtmckee-feedparser/tests/encoding/euc-kr.xml')).text).toContain('\ub144');
    expect(decodeDocument(read('atom/kurtmckee-feedparser/tests/illformed/chardet/big5.xml')).encoding).toBe('big5');
  });

  it('given a bogus declared encoding, ignores the label and says so', () => {
    expect(decodeDocument(read('rss/kurtmckee-feedparser/tests/encoding/bozo_bogus_encoding.xml')).ignored).toEqual(['bogus']);
  });

  it('repairs mojibake but leaves genuine accents', () => {
    expect(repairMojibake('CafÃ© â€œquotedâ€\u009d')).toBe('Café “quoted”');
    expect(repairMojibake('très… déjà')).toBe('très… déjà');
  });
});

describe('dates and versions', () => {
  it.each([
    ['Thu, 01 Jan 2004 19:48:21 GMT', '2004-01-01T19:48:21.000Z'],
    ['Thu, 1 Jan 04 14:48:21 EST', '2004-01-01T19:48:21.000Z'],
    ['2003-12-31T10:14:55-08:00', '2003-12-31T18:14:55.000Z'],
    ['20130605T210000+0000', '2013-06-05T21:00:00.000Z'],
    ['2003-12-31', '2003-12-31T00:00:00.000Z'],
  ])('parses %s', (s, iso) => expect(parseFeedDate(s, 'pubDate')).toBe(iso));

  it('refuses a non-date naming the field', () => expect(() => parseFeedDate('Τρι, 29 Ιούν 2004', 'pubDate')).toThrow(/^pubDate: /));
  it('derives a version from a time', () => expect(versionFromDate('2024-04-20T04:20:00.000Z')).toBe(28559780));
});

describe('cleanupBody', () => {
  it('given the seed junk, drops the repeated headline and the © caption but keeps every quote', () => {
    const seed = JSON.parse(readFileSync(path.resolve(__dirname, '../../../../shared/corpus/articles/seed-kremlin-venezuela.json'), 'utf8'));
    const out = cleanupBody(seed.body_text, { headline: seed.headline });
    expect(out.startsWith('Russian officials on Tuesday contradicted')).toBe(true);
    expect(out).not.toMatch(/Getty Images/);
    const quotes = (s: string) => s.match(/“[^”]+”/g) ?? [];
    expect(quotes(out)).toEqual(quotes(seed.body_text));
  });

  it('drops captions, credits, Related lists, newsletter lines, About-the-company and forward-looking blocks', () => {
    const body = [
      'LONDON, May 1 (Example Wire) - Acme said on Monday it would cut 200 jobs.',
      'Workers leave the plant in London, May 1, 2024. Example Wire/Petra Solvang',
      '"We regret this decision," chief executive Jane Roe said.',
      'Related',
      'Acme shares fall on profit warning',
      'Union calls strike at Acme plant',
      'The company said the cuts would be completed by June.',
      'Sign up for our Business newsletter to get the latest news in your inbox.',
      '© 2024 Example Wire. All rights reserved.',
      'About Acme',
      'Acme Corp. (NYSE: ACM) is a leading provider of widgets. For more, visit www.acme.example.',
      'Forward-Looking Statements',
      'This release contains forward-looking statements within the meaning of the Private Securities Litigation Reform Act of 1995. Actual results may differ materially.',
    ].join('\n\n');
    expect(cleanupBody(body, { headline: 'Acme to cut 200 jobs' }).split('\n\n')).toEqual([
      'LONDON, May 1 (Example Wire) - Acme said on Monday it would cut 200 jobs.',
      '"We regret this decision," chief executive Jane Roe said.',
      'The company said the cuts would be completed by June.',
    ]);
  });

  it('never removes a quoted statement, even under a Related heading or in a boilerplate-looking line', () => {
    const body = 'Related\n\n"Read more carefully," the judge said.\n\nSubscribe to nothing, "we will not," the union said.';
    expect(cleanupBody(body)).toBe('"Read more carefully," the judge said.\n\nSubscribe to nothing, "we will not," the union said.');
  });

  it('recognizes agency tags only in capitals', () => {
    expect(headlineTags('KILL - Police detain councillor').tags[0].signal).toBe('kill');
    expect(headlineTags('Kill Bill review').tags).toEqual([]);
    expect(headlineTags('STORY WITHDRAWN-Acme results').tags[0].signal).toBe('kill');
  });
});

describe('limits', () => {
  it('refuses a feed over maxFeedBytes and a single item over maxItemBytes with DocumentTooLargeError naming the setting', () => {
    const big = `<rss><channel>${'<item><guid>http://e/1</guid></item>'.repeat(100)}</channel></rss>`;
    expect(() => normalizeDocument(big, { maxFeedBytes: 1000 })).toThrow(DocumentTooLargeError);
    expect(() => normalizeDocument(big, { maxFeedBytes: 1000 })).toThrow(/limit is 1000 bytes \(FEED_MAX_BYTES\)/);
    const item = JSON.stringify({ uri: 'u', versioncreated: '2024-01-01T00:00:00Z', body_text: 'x'.repeat(5000) });
    expect(() => normalizeDocument(item, { maxItemBytes: 1000 })).toThrow(/ITEM_MAX_BYTES/);
  });

  it('refuses one oversized feed entry and keeps the others', () => {
    const doc = normalizeDocument(`<rss><channel><item><guid>http://e/1</guid><description>${'x'.repeat(3000)}</description></item><item><guid>http://e/2</guid></item></channel></rss>`, { ...AT, maxItemBytes: 1000 });
    expect(doc.items.map((i) => i.uri)).toEqual(['http://e/2']);
    expect(doc.rejected[0].message).toMatch(/^entry 0 \(http:\/\/e\/1\): body_text: .*ITEM_MAX_BYTES/);
  });
});

describe('dedupe across formats', () => {
  it('gives the same uri and version for one item as ninjs and as NewsML-G2, and for one entry as RSS and Atom', () => {
    const ninjs = normalizeDocument(JSON.stringify({ uri: 'urn:x:1', version: '2', versioncreated: '2024-05-01T10:00:00Z', headline: 'Minister resigns', body_text: '“I quit,” the minister said.' })).items[0];
    const g2 = normalizeDocument(`<newsItem guid="urn:x:1" version="2"><itemMeta><versionCreated>2024-05-01T10:00:00Z</versionCreated></itemMeta><contentMeta><headline>Minister resigns</headline></contentMeta><contentSet><inlineData contenttype="text/plain">“I quit,” the minister said.</inlineData></contentSet></newsItem>`).items[0];
    expect([g2.uri, g2.version]).toEqual([ninjs.uri, ninjs.version]);
    expect(g2.body_text).toBe(ninjs.body_text);
    const r = normalizeDocument(`<rss><channel><item><guid>https://n.example/a</guid><pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate></item></channel></rss>`).items[0];
    const a = normalizeDocument(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>https://n.example/a</id><updated>2024-05-01T10:00:00Z</updated></entry></feed>`).items[0];
    expect([a.uri, a.version]).toEqual([r.uri, r.version]);
  });
});

describe('bad input', () => {
  it.each([
    ['', /^\(document\): empty document/],
    ['   ', /^\(document\): empty document/],
    ['{"uri": ', /^\(document\): malformed JSON/],
    ['<rss><channel><item></channel>', /^\(document\): malformed XML at line 1/],
    ['<foo/>', /root element <foo>/],
    ['plain words', /unrecognized format/],
  ])('refuses %j with one line', (input, re) => {
    let err: unknown;
    try {
      normalizeDocument(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NormalizationError);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).not.toMatch(/\n/);
  });

  it('refuses an entity-expansion bomb quickly', () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><rss><channel><item><guid>http://e/1</guid><description>${'&d;'.repeat(200)}</description></item></channel></rss>`;
    const t = Date.now();
    try {
      normalizeDocument(lol, AT);
    } catch (e) {
      expect(e).toBeInstanceOf(NormalizationError);
    }
    expect(Date.now() - t).toBeLessThan(2000);
  });
});

describe('versions the read model can store', () => {
  it('refuses a version above 2147483647 (a Postgres integer) instead of stopping the projector', () => {
    expect(() => normalizeDocument(JSON.stringify({ uri: 'u', version: '99999999999', versioncreated: '2024-01-01T00:00:00Z' }))).toThrow(/^version: 99999999999 is larger than 2147483647/);
  });
});
