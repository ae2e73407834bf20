import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, loadConfig, SETTINGS } from '@timeline/config';

describe('configuration', () => {
  it('the README documents every setting with its default', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
    const missing = SETTINGS.filter((s) => !readme.includes(`| \`${s.env}\` | ${s.default ? `\`${s.default}\`` : '(unset)'} |`)).map((s) => s.env);
    expect(missing).toEqual([]);
  });

  it('uses the defaults when nothing is set', () => {
    const cfg = loadConfig({});
    expect(cfg.natsUrl).toBe('nats://127.0.0.1:4222');
    expect(cfg.databaseUrl).toBeUndefined();
    expect(cfg.itemsSubject).toBe('timeline.items');
    expect(cfg.apiPort).toBe(3000);
  });

  it('names the variable when a number or name is malformed', () => {
    expect(() => loadConfig({ API_PORT: 'eighty' })).toThrow(new ConfigError('API_PORT must be a whole number, got "eighty"'));
    expect(() => loadConfig({ DATABASE_SCHEMA: 'Robert"); DROP' })).toThrow(/DATABASE_SCHEMA must be a lower-case SQL identifier/);
    expect(() => loadConfig({ JS_SUBJECT_PREFIX: 'a.>' })).toThrow(/JS_SUBJECT_PREFIX/);
  });
});
