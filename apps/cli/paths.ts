import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The project root: the nearest folder above this file holding package.json. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the project root (package.json) above ' + __dirname);
    dir = up;
  }
  return dir;
}

/** The corpus folder: TIMELINE_CORPUS, else ../shared/corpus beside the project. */
export function corpusDir(): string {
  return process.env.TIMELINE_CORPUS ?? path.resolve(projectRoot(), '../shared/corpus');
}

/** Compiled entry point of an app. */
export function appMain(name: string): string {
  return path.join(projectRoot(), 'dist', 'apps', name, 'main.js');
}
