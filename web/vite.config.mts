/**
 * Build of the timeline page: vanilla TypeScript, bundled into dist/web
 * (served by apps/api at `/`). `npx vite --config web/vite.config.mts` serves
 * it with hot reload and proxies the API calls to the api at
 * http://127.0.0.1:API_PORT (the api's own setting, default 3000).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = `http://127.0.0.1:${process.env.API_PORT ?? '3000'}`;

export default defineConfig({
  root,
  base: '/',
  build: { outDir: fileURLToPath(new URL('../dist/web', import.meta.url)), emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: { proxy: Object.fromEntries(['/stories', '/statements', '/speakers', '/health', '/docs'].map((p) => [p, api])) },
});
