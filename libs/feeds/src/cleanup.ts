/**
 * Cleanup of a body before extraction (pure). The text it returns is the
 * `body_text` that is stored, so the extractor's character offsets point
 * into the cleaned text. It removes whole lines or paragraphs only, never
 * words inside a sentence, and never a paragraph holding a quotation mark
 * (a quoted statement is the product) — except an exact repeat of the
 * headline. Rules, from what wire and web copy carries (corpus `seed`, IPTC
 * ninjs Business Wire samples, Reuters/AP style):
 * - the headline repeated at the top;
 * - photo captions and credit lines ("Photo: …", "… March 3, 2025. Example Wire/Petra Solvang", "Getty Images", "AP Photo/…");
 * - © / "Copyright 2024 …" / "All rights reserved" lines;
 * - "Related" / "Read more" / "See also" headings and the link titles that follow;
 * - newsletter / subscribe / follow-us lines;
 * - press-release boilerplate: "About <Company>" blocks, forward-looking-statement
 *   (safe harbor) blocks, "Contacts" blocks.
 * Hover-card and stock-ticker text glued into sentences is NOT removed here:
 * the extractor masks it in place (libs/extraction text.ts).
 */
export function cleanupBody(body: string, opts: { headline?: string } = {}): string {
  const text = body.replace(/\r\n?/g, '\n');
  const paras = text.split(/\n[ \t]*\n+/).map((p) => p.trim()).filter(Boolean);
  const out: string[] = [];
  const headlineKey = key(opts.headline ?? '');
  let i = 0;
  // repeated headline at the top (first two paragraphs, line by line)
  for (let top = 0; top < paras.length && top < 3; top++) {
    const lines = paras[top].split('\n');
    while (lines.length && headlineKey && key(lines[0]) === headlineKey) lines.shift();
    if (lines.length === 0) {
      i = top + 1;
      continue;
    }
    if (lines.length !== paras[top].split('\n').length) paras[top] = lines.join('\n');
    break;
  }
  let skipLinks = false;
  let boiler: 'about' | 'fls' | 'contacts' | null = null;
  for (; i < paras.length; i++) {
    const p = paras[i];
    const quoted = hasQuote(p);
    if (boiler) {
      if (!quoted && (boiler === 'contacts' || isBoilerplateContinuation(p, boiler))) continue;
      boiler = null;
    }
    if (skipLinks) {
      if (!quoted && looksLikeLinkTitle(p)) continue;
      skipLinks = false;
    }
    if (LINKS_HEADING.test(p)) {
      skipLinks = true;
      continue;
    }
    if (!quoted && INLINE_LINK.test(p)) continue;
    if (!quoted && /^(?:About|ABOUT) [\p{Lu}\d][^\n]{0,80}$/u.test(p) && !/[.!?]$/.test(p) && i + 1 < paras.length && COMPANY_PROFILE.test(paras[i + 1])) {
      boiler = 'about';
      continue;
    }
    if (!quoted && FLS_HEADING.test(p)) {
      boiler = 'fls';
      continue;
    }
    if (!quoted && CONTACTS_HEADING.test(p)) {
      boiler = 'contacts';
      continue;
    }
    if (!quoted && FLS_PARAGRAPH.test(p) && FLS_MARKERS.test(p)) continue;
    // line-level junk inside a paragraph
    const lines = p.split('\n').filter((line) => !(isJunkLine(line) && !hasQuote(line)));
    if (lines.length) out.push(lines.join('\n'));
  }
  return out.join('\n\n');
}

const QUOTE = /["“”„«»‟]/;
const hasQuote = (s: string) => QUOTE.test(s);
const key = (s: string) => s.toLowerCase().normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

const LINKS_HEADING = /^\s*(?:related(?: (?:stories|articles|coverage|content|news|links|reading))?|read more|see also|more on this(?: story)?|more from [\p{L} ]{1,30}|recommended(?: for you| reading)?|you (?:may|might) also like|further reading|top stories|most read)\s*:?\s*$/iu;
const INLINE_LINK = /^\s*(?:related|read more|see also|more on this|recommended|watch|listen|read next|also read)\b[^:\n]{0,30}:\s*[^\n]{1,200}$/i;
const FLS_HEADING = /^\s*(?:forward[- ]looking statements?|cautionary (?:note|statement|language)[^\n]{0,60}|safe harbou?r(?: statement)?[^\n]{0,40}|disclaimer)\s*:?\s*$/i;
const FLS_PARAGRAPH = /forward[- ]looking (?:statements?|information)|safe harbou?r/i;
const FLS_MARKERS = /within the meaning of|private securities litigation reform act|undue reliance|risks and uncertainties|no obligation to update|actual results (?:may|could) differ|section 27a|section 21e/i;
/** A company self-description ("Acme Corp. (NYSE: ACM) is a leading provider of …"), what follows an "About Acme" heading in a press release. */
const COMPANY_PROFILE = /\b(?:is|are) (?:an?|the) (?:[\w-]+ ){0,4}(?:provider|company|manufacturer|developer|producer|group|firm|operator|bank|maker|supplier|leader|network|organi[sz]ation|agency|publisher|platform|pioneer|specialist|business|retailer|insurer)\b|\bfounded in \d{4}|\bheadquartered in\b|\((?:NYSE|NASDAQ|Nasdaq|LSE|TSX|ASX|OTC|AMEX|Euronext|XETRA)\b[^)]{0,30}\)|\bwww\.|https?:\/\//;
const CONTACTS_HEADING = /^\s*(?:media |press |investor )?contacts?\s*(?:information)?\s*:?\s*$/i;

function isBoilerplateContinuation(p: string, kind: 'about' | 'fls'): boolean {
  if (kind === 'fls') return FLS_PARAGRAPH.test(p) || FLS_MARKERS.test(p) || /\b(?:risks?|uncertaint(?:y|ies)|assumptions?|factors?)\b/i.test(p);
  // "About X": company self-description until the next short heading
  if (p.length < 80 && !/[.!?]$/.test(p)) return false;
  return true;
}

function looksLikeLinkTitle(p: string): boolean {
  return (p.length <= 160 && !/[.!?]["”’)]?$/.test(p.trim())) || (/^\s*[•·\-*]\s/.test(p) && p.length <= 200);
}

const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?';
/** Caption ending in a date and a "Agency/Photographer" credit (the extractor's CAPTION rule). */
const CAPTION = new RegExp(`(?:${MONTH} \\d{1,2}, \\d{4}|\\d{1,2} ${MONTH} \\d{4})\\.?\\s+[A-Z][\\w.&' -]{1,40}\\/[A-Z][\\w.' -]{1,60}\\s*$`, 'i');
const JUNK_LINES: RegExp[] = [
  /^\s*(?:©|\(c\)\s*\d{4}|copyright\s+(?:©\s*)?\d{4})/i,
  /^\s*all rights reserved\.?\s*$/i,
  /^[^\n]{0,120}\ball rights reserved\.?\s*$/i,
  /^\s*(?:photo|picture|image|file photo|video|graphic|caption|photo credit|credit)\s*(?:credit)?\s*:/i,
  /^\s*\((?:photo|picture|image)s? (?:by|courtesy|credit)[^)]{0,120}\)\s*$/i,
  /^\s*(?:getty images|afp(?: via getty images)?|reuters|ap photo|ap|epa|pa|shutterstock|istock)\s*$/i,
  /^\s*(?:[A-Z][\w.&' -]{1,40}\/)?(?:getty images|afp|reuters|ap photo|epa-efe|epa)(?:\/[A-Z][\w.' -]{1,60})?\s*$/i,
  /^\s*[A-Z][\w.&' -]{1,40}\/[A-Z][\w.' -]{1,60}\s*$/,
  /^\s*(?:sign up|subscribe|click here|follow us|download (?:our|the)(?: \w+)? app|join (?:our|us)|get (?:our|the)[^\n]{0,40}newsletter)\b[^\n]{0,200}$/i,
  /^[^\n]{0,120}\bnewsletter\b[^\n]{0,80}(?:sign up|subscribe|inbox)[^\n]{0,60}$/i,
  /^[^\n]{0,60}(?:sign up|subscribe)[^\n]{0,60}\bnewsletter\b[^\n]{0,80}$/i,
];

function isJunkLine(line: string): boolean {
  if (line.length > 300) return false;
  return JUNK_LINES.some((re) => re.test(line)) || CAPTION.test(line);
}
