import { EventSchemas, EventType } from './events';

/**
 * Upcasters turn a stored event of an older schema version into the current
 * shape on read (never rewriting the log). Keyed by `${type}@${fromVersion}`;
 * each returns the data of version fromVersion + 1.
 */
export type Upcaster = (data: any) => unknown;
export const UPCASTERS: Record<string, Upcaster> = {};

/**
 * Bring `{type, schemaVersion, data}` to the current version of its type.
 * @throws Error when a step has no upcaster or the version is newer than this code knows.
 */
export function upcast<T extends { type: string; schemaVersion: number; data: unknown }>(e: T): T {
  const current = EventSchemas[e.type as EventType]?.version;
  if (current === undefined) return e;
  let { schemaVersion, data } = e;
  if (schemaVersion > current) {
    throw new Error(`event type ${e.type} version ${schemaVersion} is newer than this code (${current})`);
  }
  while (schemaVersion < current) {
    const step = UPCASTERS[`${e.type}@${schemaVersion}`];
    if (!step) throw new Error(`no upcaster for ${e.type} from version ${schemaVersion}`);
    data = step(data);
    schemaVersion += 1;
  }
  return { ...e, schemaVersion, data };
}
