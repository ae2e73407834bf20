import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, loadConfig, redactUrl, SETTINGS } from '@timeline/config';

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

describe('redactUrl', () => {
  it('hides passwords and tokens in URLs, keeps the rest', () => {
    expect(redactUrl('postgres://app:s3cr3t@db.example:5432/timeline?sslmode=verify-full')).toBe('postgres://app:***@db.example:5432/timeline?sslmode=verify-full');
    expect(redactUrl('nats://tok3n@a:4222,nats://u:p@b:4222')).toBe('nats://***@a:4222,nats://u:***@b:4222');
    expect(redactUrl('postgres://db/x?user=a&password=pw&sslpassword=k')).toBe('postgres://db/x?user=a&password=***&sslpassword=***');
    expect(redactUrl('nats://127.0.0.1:4222')).toBe('nats://127.0.0.1:4222');
  });
});
