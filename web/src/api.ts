/**
 * Calls to the read API (same origin). Every call throws ApiError with the
 * HTTP status and the server's message, so the page can say what failed.
 */
import type { StatementDetail, StorySummary, TimelineAnswer } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' }, signal });
  if (!res.ok) {
    let msg = `${res.status} ${res.statusText}`;
    try {
      const body = await res.json();
      if (body?.message) msg = Array.isArray(body.message) ? body.message.join('; ') : String(body.message);
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, msg);
  }
  return (await res.json()) as T;
}

/**
 * GET /stories?q=: a page of 100 stories, most recently updated first
 * (`cursor`: the previous page's `nextCursor`). `searched` tells
 * whether the server applied the text search (its answer has `nextCursor`);
 * an older server ignores `q` and the page filters titles itself.
 */
export async function listStories(q: string, cursor?: string | null, signal?: AbortSignal): Promise<{ stories: StorySummary[]; searched: boolean; nextCursor: string | null }> {
  const params = new URLSearchParams({ limit: '100' });
  if (q) params.set('q', q);
  if (cursor) params.set('cursor', cursor);
  const r = await getJson<{ stories: StorySummary[]; nextCursor?: string | null }>(`/stories?${params}`, signal);
  return { stories: r.stories, searched: 'nextCursor' in r, nextCursor: r.nextCursor ?? null };
}

/**
 * GET /stories/:id/timeline, live or `asOf` a recorded instant (ISO 8601),
 * following `nextCursor` pages when the server paginates (at most 50 pages).
 */
export async function getTimeline(storyId: string, asOf: string | null, signal?: AbortSignal): Promise<TimelineAnswer> {
  const base = `/stories/${encodeURIComponent(storyId)}/timeline`;
  const params = new URLSearchParams({ limit: '1000' });
  if (asOf) params.set('asOf', asOf);
  const first = await getJson<TimelineAnswer>(`${base}?${params}`, signal);
  let cursor = first.nextCursor;
  for (let page = 1; cursor && page < 50; page++) {
    const p = new URLSearchParams(params);
    p.set('cursor', cursor);
    const next = await getJson<TimelineAnswer>(`${base}?${p}`, signal);
    first.statements.push(...next.statements);
    cursor = next.nextCursor;
  }
  return first;
}

/** The story's last global position (GET /stories/:id/timeline?limit=1), to notice changes when there is no event stream. */
export async function storyPosition(storyId: string): Promise<string> {
  const r = await getJson<TimelineAnswer>(`/stories/${encodeURIComponent(storyId)}/timeline?limit=1`);
  return r.story.lastGlobalPosition;
}

/** GET /statements/:id: the statement and the item texts its mentions point into. */
export function getStatement(statementId: string, signal?: AbortSignal): Promise<StatementDetail> {
  return getJson<StatementDetail>(`/statements/${encodeURIComponent(statementId)}`, signal);
}
