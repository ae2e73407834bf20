import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { INestApplication, Logger } from '@nestjs/common';
import express from 'express';

/**
 * The built timeline page: `dist/web` under the project root (the nearest
 * folder above this file holding package.json), written by `npm run build`
 * (vite, from web/). Null when it has not been built.
 */
export function webPageDir(from = __dirname): string | null {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
  const web = path.join(dir, 'dist', 'web');
  return existsSync(path.join(web, 'index.html')) ? web : null;
}

/**
 * Serve the timeline page at `/` (index.html, never cached) and its
 * content-hashed assets under `/assets/` (cached for a year, immutable).
 * Registered before the API routes; only paths whose first segment is a
 * top-level name of `dir` when the api starts (index.html, assets) go to the
 * file handler, and those that are no file fall through to the API routes.
 * Without a built page, `GET /` answers 404 saying how to build it.
 */
export function serveWebPage(app: INestApplication, dir = webPageDir()): void {
  if (!dir) {
    new Logger('Api').warn('the timeline page is not built (npm run build); GET / answers 404');
    app.use('/', (req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (req.method === 'GET' && req.path === '/') res.status(404).type('text/plain').send('The timeline page is not built: run `npm run build`. The API is at /stories, OpenAPI at /docs.\n');
      else next();
    });
    return;
  }
  const files = express.static(dir, {
    index: 'index.html',
    redirect: false,
    setHeaders(res, file) {
      res.setHeader('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  // Only paths under the page's own top-level names reach the static handler: it stats the
  // file system for every path it sees, which cost ~8 % of the api's CPU on GET /stories/:id/timeline.
  const top = new Set(readdirSync(dir));
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const p = req.path;
    if (p === '/') return files(req, res, next);
    const end = p.indexOf('/', 1);
    let first = end < 0 ? p.slice(1) : p.slice(1, end);
    try {
      first = decodeURIComponent(first);
    } catch {
      return next();
    }
    return top.has(first) ? files(req, res, next) : next();
  });
}
