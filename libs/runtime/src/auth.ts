import { createHash, timingSafeEqual } from 'node:crypto';
import {
  CanActivate,
  DynamicModule,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  Logger,
  Module,
  SetMetadata,
  applyDecorators,
  UnauthorizedException,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { ApiSecurity, DocumentBuilder } from '@nestjs/swagger';
import { ConfigError } from '@timeline/config';

/** Scopes an API key may hold: `read` (read API when READ_REQUIRES_KEY=true), `ingest` (POST /items, /feeds), `admin` (dead letters, audit verify). */
export const SCOPES = ['read', 'ingest', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** One configured key: a name (shown in logs and 403s, never the key), its scopes, the SHA-256 of the key. */
export interface ApiKeyEntry {
  name: string;
  scopes: Set<Scope>;
  sha256: Buffer;
}

/** SHA-256 of a key, lower-case hex (what API_KEYS stores; same as `printf %s "$KEY" | sha256sum`). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Parse API_KEYS: comma-separated `name:scope1+scope2:sha256hex` entries
 * (e.g. `feeder:ingest:9f86d0…,ops:admin+read:2c26b4…`). Whitespace around
 * entries is ignored; '' = no keys.
 * @throws ConfigError naming the entry (by position and name, never its hash) and the problem.
 */
export function parseApiKeys(raw: string): ApiKeyEntry[] {
  const out: ApiKeyEntry[] = [];
  const names = new Set<string>();
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .forEach((entry, i) => {
      const parts = entry.split(':');
      const where = `API_KEYS entry ${i + 1}${parts[0] ? ` ("${parts[0]}")` : ''}`;
      if (parts.length !== 3) throw new ConfigError(`${where} must be name:scope+scope:sha256hex`);
      const [name, scopeList, hex] = parts;
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new ConfigError(`${where}: name must be 1-64 of A-Z a-z 0-9 _ . -`);
      if (names.has(name)) throw new ConfigError(`${where}: name "${name}" appears twice`);
      const scopes = scopeList.split('+').map((s) => s.trim());
      const bad = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
      if (scopes.length === 0 || bad.length) throw new ConfigError(`${where}: unknown scope(s) ${bad.map((b) => `"${b}"`).join(', ') || '""'}; use ${SCOPES.join(', ')}`);
      if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new ConfigError(`${where}: the key must be given as its SHA-256, 64 hex digits (see \`timeline keys hash\`)`);
      names.add(name);
      out.push({ name, scopes: new Set(scopes as Scope[]), sha256: Buffer.from(hex.toLowerCase(), 'hex') });
    });
  return out;
}

/** Options of the API-key guard. */
export interface AuthOptions {
  keys: ApiKeyEntry[];
  /** Routes marked `read` need a key too (READ_REQUIRES_KEY). */
  readRequiresKey: boolean;
}

const SCOPE_KEY = 'timeline:scope';

/** Names of the OpenAPI security schemes {@link addApiKeySecurity} declares. */
const OPENAPI_KEY_SCHEMES = { header: 'apiKey', bearer: 'bearer' } as const;

/**
 * Mark a route (or controller) as needing an API key with `scope`. Unmarked routes are public.
 * Also marks it in the OpenAPI document: `ingest` and `admin` routes require either scheme of
 * {@link addApiKeySecurity}; `read` routes list "no key" as an alternative, since they need a key
 * only when READ_REQUIRES_KEY=true.
 */
export const RequireScope = (scope: Scope) =>
  applyDecorators(
    SetMetadata(SCOPE_KEY, scope),
    ...(scope === 'read' ? [ApiSecurity({})] : []),
    ApiSecurity(OPENAPI_KEY_SCHEMES.header, [scope]),
    ApiSecurity(OPENAPI_KEY_SCHEMES.bearer, [scope]),
  );

/**
 * Declares the two ways to present an API key in an OpenAPI document (the same two
 * {@link presentedKey} accepts): header `X-API-Key: <key>` and `Authorization: Bearer <key>`.
 * Returns the builder for chaining.
 */
export function addApiKeySecurity(builder: DocumentBuilder): DocumentBuilder {
  const how = 'An API key from API_KEYS (README, "Security"); its scopes (read, ingest, admin) decide which routes it opens.';
  return builder
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: how }, OPENAPI_KEY_SCHEMES.header)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: how }, OPENAPI_KEY_SCHEMES.bearer);
}

/** The key a request presented: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers['authorization'];
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  const x = headers['x-api-key'];
  return typeof x === 'string' && x !== '' ? x : undefined;
}

/**
 * Find the configured key matching `key`: its SHA-256 is compared with
 * EVERY configured hash by crypto.timingSafeEqual (no early exit), so the
 * time taken says nothing about which key, or how much of one, matched.
 */
export function matchApiKey(keys: ApiKeyEntry[], key: string): ApiKeyEntry | undefined {
  const h = createHash('sha256').update(key, 'utf8').digest();
  let found: ApiKeyEntry | undefined;
  for (const k of keys) if (timingSafeEqual(k.sha256, h) && !found) found = k;
  return found;
}

/**
 * Global guard of the HTTP apps. A route marked `@RequireScope(s)` needs a
 * key holding `s` (`read` routes only when READ_REQUIRES_KEY=true):
 * 401 `{ statusCode, error: 'Unauthorized', message }` when the key is
 * missing or unknown, 403 when it lacks the scope. With no API_KEYS
 * configured every route is open (the demo and tests need no key). The
 * matched key's name is put on the request (`req.apiKeyName`) for rate
 * limiting and logs; the key itself is never logged.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly opts: AuthOptions,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (!scope || this.opts.keys.length === 0) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined>; apiKeyName?: string }>();
    const key = presentedKey(req.headers);
    if (scope === 'read' && !this.opts.readRequiresKey && key === undefined) return true;
    if (key === undefined) {
      throw new UnauthorizedException(`this route needs an API key with scope "${scope}": send it as "Authorization: Bearer <key>" or "X-API-Key: <key>"`);
    }
    const entry = matchApiKey(this.opts.keys, key);
    if (!entry) throw new UnauthorizedException('unknown API key');
    if (!entry.scopes.has(scope)) throw new ForbiddenException(`API key "${entry.name}" lacks scope "${scope}" (it has: ${[...entry.scopes].join(', ')})`);
    req.apiKeyName = entry.name;
    return true;
  }
}

/**
 * Express middleware with the guard's answers for routes needing `scope`,
 * mounted BEFORE the body parsers, so a request without a valid key is
 * refused (401/403, same JSON as the guard) without its body being read
 * and parsed. With no keys configured it passes everything.
 */
export function requireKeyBeforeBody(opts: AuthOptions, scope: Scope) {
  return (req: { headers: Record<string, string | string[] | undefined> }, res: { status(n: number): { json(b: unknown): void } }, next: () => void): void => {
    if (opts.keys.length === 0) return next();
    const key = presentedKey(req.headers);
    const entry = key === undefined ? undefined : matchApiKey(opts.keys, key);
    if (!entry) {
      const message = key === undefined ? `this route needs an API key with scope "${scope}": send it as "Authorization: Bearer <key>" or "X-API-Key: <key>"` : 'unknown API key';
      res.status(401).json({ statusCode: 401, error: 'Unauthorized', message });
      return;
    }
    if (!entry.scopes.has(scope)) {
      res.status(403).json({ statusCode: 403, error: 'Forbidden', message: `API key "${entry.name}" lacks scope "${scope}" (it has: ${[...entry.scopes].join(', ')})` });
      return;
    }
    next();
  };
}

/**
 * Installs {@link ApiKeyGuard} as a global guard of the app importing it.
 * Logs one warning at start when no keys are configured (every route open).
 */
@Module({})
export class ApiKeyModule {
  static register(opts: AuthOptions, appName: string): DynamicModule {
    if (opts.keys.length === 0) {
      new Logger(appName).warn('API_KEYS is not set: every route is open (set API_KEYS to require keys on ingest and admin routes)');
    }
    return {
      module: ApiKeyModule,
      providers: [{ provide: APP_GUARD, useFactory: (r: Reflector) => new ApiKeyGuard(r, opts), inject: [Reflector] }],
    };
  }
}

/** AuthOptions from the configuration (API_KEYS, READ_REQUIRES_KEY). @throws ConfigError for a malformed API_KEYS. */
export function authOptions(cfg: { apiKeys: string; readRequiresKey: boolean }): AuthOptions {
  return { keys: parseApiKeys(cfg.apiKeys), readRequiresKey: cfg.readRequiresKey };
}
