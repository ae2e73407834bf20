/**
 * The batch used by `timeline extract`: items of a corpus in, predictions in
 * the answer-key schema (shared/corpus/README.md) out. Pure and in memory.
 */
import type { WireItem } from '@timeline/events';
import type { StorySignature } from './story.contract';
import type { ExtractedStatement, KnownSpeaker, KnownStatement } from './types';
import { extract } from './extract';
import { assignStory, mergeStorySignatures, updateStorySignature } from './story';

/** One predicted statement, as in the gold files. */
export interface GoldStatementPrediction {
  id: string;
  speaker: string;
  speaker_type: string;
  role: string | null;
  kind: string;
  content: string;
  medium: string | null;
  via: string[];
  said_at: { from: string | null; to: string | null } | null;
  relations: Array<{ type: string; target: string }>;
}

/** One predicted item: `{ article, story, statements }`. */
export interface GoldPrediction {
  article: string;
  story: string;
  statements: GoldStatementPrediction[];
}

interface StoryState {
  sig: StorySignature;
  /** statements by item uri (the current version of each item) */
  byUri: Map<string, Array<{ st: ExtractedStatement; article: string; localId: string }>>;
  speakers: Map<string, KnownSpeaker>;
}

/**
 * Extract a batch of items. Items are processed in `firstcreated` order
 * (stable; a later version of the same item after the earlier one), each
 * assigned to a story, extracted with the story so far as context; a kill
 * removes the item's statements from the story, a later version replaces
 * them; an item that bridges two stories merges them (assignStory's merge
 * rule) and the earlier items of the merged story take the survivor's id.
 * Returns one prediction per input file, in input order.
 *
 * Relation targets: `sN` within the item, `<article>#sN` across items.
 */
export function extractBatch(files: Array<{ article: string; item: WireItem }>): GoldPrediction[] {
  const order = files
    .map((f, i) => ({ ...f, i }))
    .sort((a, b) => Date.parse(a.item.firstcreated) - Date.parse(b.item.firstcreated) || a.item.version - b.item.version || a.i - b.i);
  const stories: StoryState[] = [];
  const results = new Array<GoldPrediction>(files.length);
  const idToRef = new Map<string, string>();
  for (const f of order) {
    const sigs = stories.map((s) => s.sig);
    const asg = assignStory(f.item, sigs);
    let st = stories.find((s) => s.sig.storyId === asg.storyId);
    if (st && asg.merge) {
      // The item bridges stories: the merged ones fold into the survivor, and items already predicted in them follow.
      for (const id of asg.merge.mergedStoryIds) {
        const k = stories.findIndex((s) => s.sig.storyId === id);
        if (k < 0) continue;
        const m = stories[k];
        stories.splice(k, 1);
        st.sig = mergeStorySignatures(st.sig, [m.sig]);
        for (const [uri, list] of m.byUri) st.byUri.set(uri, list);
        for (const [key, sp] of m.speakers) if (!st.speakers.has(key)) st.speakers.set(key, sp);
        for (const r of results) if (r && r.story === id) r.story = st.sig.storyId;
      }
    }
    const storyStatements: KnownStatement[] = [];
    const knownSpeakers: KnownSpeaker[] = [];
    if (st) {
      for (const [uri, list] of st.byUri) {
        if (uri === f.item.uri) continue;
        for (const x of list)
          storyStatements.push({
            statementId: x.st.statementId,
            itemUri: uri,
            speaker: x.st.source.name,
            speakerType: x.st.source.type,
            role: x.st.source.role,
            content: x.st.content,
            kind: x.st.kind,
            saidAt: x.st.saidAt,
            medium: x.st.medium,
            via: x.st.via,
            cue: x.st.cue,
            relations: x.st.relations,
          });
      }
      knownSpeakers.push(...st.speakers.values());
    }
    const res = extract(f.item, { storyStatements, knownSpeakers });
    const local = new Map<string, string>();
    res.statements.forEach((s, k) => local.set(s.statementId, `s${k + 1}`));
    const preds: GoldStatementPrediction[] = res.statements.map((s, k) => ({
      id: `s${k + 1}`,
      speaker: s.source.name,
      speaker_type: s.source.type,
      role: s.source.role,
      kind: s.kind,
      content: s.content,
      medium: s.medium,
      via: s.via,
      said_at: s.saidAt,
      relations: s.relations
        .map((r) => ({ type: r.type, target: local.get(r.target) ?? idToRef.get(r.target) ?? '' }))
        .filter((r) => r.target !== ''),
    }));
    results[f.i] = { article: f.article, story: asg.storyId, statements: preds };
    const usable = f.item.pubstatus !== 'canceled';
    if (!st) {
      st = { sig: updateStorySignature(undefined, asg.storyId, f.item, res.statements), byUri: new Map(), speakers: new Map() };
      stories.push(st);
    } else if (usable) st.sig = updateStorySignature(st.sig, asg.storyId, f.item, res.statements);
    else if (!st.sig.itemUris.includes(f.item.uri)) st.sig = { ...st.sig, itemUris: [...st.sig.itemUris, f.item.uri] };
    if (!usable) {
      st.byUri.delete(f.item.uri);
      continue;
    }
    const prevList = st.byUri.get(f.item.uri);
    // a later version supersedes the earlier: earlier targets stay mapped to the first version's article
    const list = res.statements.map((s, k) => ({ st: s, article: f.article, localId: `s${k + 1}` }));
    st.byUri.set(f.item.uri, list);
    for (const x of list) if (!prevList || !idToRef.has(x.st.statementId)) idToRef.set(x.st.statementId, `${x.article}#${x.localId}`);
    for (const s of res.statements) {
      const k = s.source.name.toLowerCase();
      const ex = st.speakers.get(k);
      if (ex) {
        if (!ex.role && s.source.role) ex.role = s.source.role;
      } else {
        const words = s.source.name.split(/\s+/);
        st.speakers.set(k, {
          name: s.source.name,
          type: s.source.type,
          role: s.source.role,
          aliases: s.source.type === 'person' && words.length > 1 ? [words[words.length - 1]] : [],
        });
      }
    }
  }
  return results;
}
