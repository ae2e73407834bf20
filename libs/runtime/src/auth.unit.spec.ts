import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ConfigError } from '@timeline/config';
import { ApiKeyGuard, hashApiKey, matchApiKey, parseApiKeys, presentedKey, Scope } from './auth';

const feederHash = hashApiKey('feeder-secret');
const opsHash = hashApiKey('ops-secret');
const KEYS = `feeder:ingest:${feederHash}, ops:admin+read:${opsHash.toUpperCase()}`;

/** An HTTP ExecutionContext whose route needs `scope` (or nothing). */
function ctx(scope: Scope | undefined, headers: Record<string, string>): { c: ExecutionContext; req: any } {
  const req: any = { headers };
  const handler = () => undefined;
  if (scope) Reflect.defineMetadata('timeline:scope', scope, handler);
  const c = { getHandler: () => handler, getClass: () => class {}, switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
  return { c, req };
}

describe('API keys', () => {
  it('parses name:scope+scope:sha256hex entries and matches a key by its hash', () => {
    const keys = parseApiKeys(KEYS);
    expect(keys.map((k) => [k.name, [...k.scopes]])).toEqual([
      ['feeder', ['ingest']],
      ['ops', ['admin', 'read']],
    ]);
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'); // FIPS 180-2 test vector
    expect(matchApiKey(keys, 'ops-secret')?.name).toBe('ops');
    expect(matchApiKey(keys, 'ops-secreT')).toBeUndefined();
    expect(parseApiKeys('')).toEqual([]);
  });

  it('refuses malformed entries, naming the entry but never echoing a hash', () => {
    expect(() => parseApiKeys('x:ingest')).toThrow(new ConfigError('API_KEYS entry 1 ("x") must be name:scope+scope:sha256hex'));
    expect(() => parseApiKeys(`a:write:${feederHash}`)).toThrow('API_KEYS entry 1 ("a"): unknown scope(s) "write"; use read, ingest, admin');
    expect(() => parseApiKeys('a:read:plaintextkey')).toThrow(/must be given as its SHA-256/);
    expect(() => parseApiKeys(`a:read:${feederHash},a:admin:${opsHash}`)).toThrow('API_KEYS entry 2 ("a"): name "a" appears twice');
    const msg = (() => {
      try {
        parseApiKeys(`a b:read:${feederHash}`);
        return 'no error';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(msg).toMatch(/name must be 1-64 of/);
    expect(msg).not.toContain(feederHash);
  });

  it('reads the key from Authorization: Bearer or X-API-Key', () => {
    expect(presentedKey({ authorization: 'Bearer k1' })).toBe('k1');
    expect(presentedKey({ 'x-api-key': 'k2' })).toBe('k2');
    expect(presentedKey({ authorization: 'Basic Zm9vOmJhcg==' })).toBeUndefined();
    expect(presentedKey({})).toBeUndefined();
  });

  it('guard: 401 without or with an unknown key, 403 without the scope, passes with it; read routes open unless READ_REQUIRES_KEY', () => {
    const guard = new ApiKeyGuard(new Reflector(), { keys: parseApiKeys(KEYS), readRequiresKey: false });
    expect(() => guard.canActivate(ctx('ingest', {}).c)).toThrow(UnauthorizedException);
    expect(() => guard.canActivate(ctx('ingest', {}).c)).toThrow(/needs an API key with scope "ingest"/);
    expect(() => guard.canActivate(ctx('ingest', { authorization: 'Bearer nope' }).c)).toThrow(new UnauthorizedException('unknown API key'));
    expect(() => guard.canActivate(ctx('admin', { 'x-api-key': 'feeder-secret' }).c)).toThrow(ForbiddenException);
    expect(() => guard.canActivate(ctx('admin', { 'x-api-key': 'feeder-secret' }).c)).toThrow('API key "feeder" lacks scope "admin" (it has: ingest)');
    const ok = ctx('ingest', { authorization: 'Bearer feeder-secret' });
    expect(guard.canActivate(ok.c)).toBe(true);
    expect(ok.req.apiKeyName).toBe('feeder');
    expect(guard.canActivate(ctx('read', {}).c)).toBe(true);
    expect(guard.canActivate(ctx(undefined, {}).c)).toBe(true);
    // A read route given a wrong key still says so (a client should learn its key is bad).
    expect(() => guard.canActivate(ctx('read', { 'x-api-key': 'nope' }).c)).toThrow(UnauthorizedException);

    const strict = new ApiKeyGuard(new Reflector(), { keys: parseApiKeys(KEYS), readRequiresKey: true });
    expect(() => strict.canActivate(ctx('read', {}).c)).toThrow(UnauthorizedException);
    expect(() => strict.canActivate(ctx('read', { 'x-api-key': 'feeder-secret' }).c)).toThrow(ForbiddenException);
    expect(strict.canActivate(ctx('read', { 'x-api-key': 'ops-secret' }).c)).toBe(true);
  });

  it('guard: no keys configured = every route open', () => {
    const open = new ApiKeyGuard(new Reflector(), { keys: [], readRequiresKey: true });
    expect(open.canActivate(ctx('admin', {}).c)).toBe(true);
  });
});
