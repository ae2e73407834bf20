import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { serveWebPage, webPageDir } from './web-page';

@Controller()
class PingController {
  @Get('stories')
  stories() {
    return { stories: [] };
  }
}
@Module({ controllers: [PingController] })
class PingModule {}

describe('timeline page serving', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'web-page-'));
    writeFileSync(path.join(root, 'package.json'), '{}');
    mkdirSync(path.join(root, 'dist', 'apps', 'api'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const app = async (dir: string | null): Promise<INestApplication> => {
    const a = await NestFactory.create(PingModule, { logger: false });
    serveWebPage(a, dir);
    await a.init();
    return a;
  };

  it('finds dist/web under the project root only once the page is built', () => {
    const from = path.join(root, 'dist', 'apps', 'api');
    expect(webPageDir(from)).toBeNull();
    mkdirSync(path.join(root, 'dist', 'web'));
    expect(webPageDir(from)).toBeNull();
    writeFileSync(path.join(root, 'dist', 'web', 'index.html'), '<!doctype html><title>t</title>');
    expect(webPageDir(from)).toBe(path.join(root, 'dist', 'web'));
  });

  it('serves index.html at / (never cached) and hashed assets (immutable), and leaves API routes alone', async () => {
    const web = path.join(root, 'dist', 'web');
    mkdirSync(path.join(web, 'assets'), { recursive: true });
    writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>timeline</title>');
    writeFileSync(path.join(web, 'assets', 'index-abc123.js'), 'console.log(1)');
    const a = await app(web);
    try {
      const page = await request(a.getHttpServer()).get('/');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.text).toContain('<title>timeline</title>');
      const js = await request(a.getHttpServer()).get('/assets/index-abc123.js');
      expect(js.status).toBe(200);
      expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect((await request(a.getHttpServer()).get('/stories')).body).toEqual({ stories: [] });
      expect((await request(a.getHttpServer()).get('/assets/missing.js')).status).toBe(404);
    } finally {
      await a.close();
    }
  });

  it('answers GET / with 404 saying how to build the page when it is not built, and the API still works', async () => {
    const a = await app(null);
    try {
      const page = await request(a.getHttpServer()).get('/');
      expect(page.status).toBe(404);
      expect(page.text).toMatch(/npm run build/);
      expect((await request(a.getHttpServer()).get('/stories')).body).toEqual({ stories: [] });
    } finally {
      await a.close();
    }
  });
});
