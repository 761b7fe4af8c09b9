// A real OpenID Connect provider (the certified `oidc-provider` package) for Aurum's
// single sign-on tests. It binds 127.0.0.1 (PROVIDER_PORT, default 0: an ephemeral port),
// then prints one JSON line on stdout: {"issuer": ..., "port": ...}.
//
// Clients:
//   aurum / aurum-secret            Aurum itself: introspects with HTTP Basic
//   aurum-post / aurum-post-secret  the same with client_secret_post (form) authentication
//   cli / cli-secret                a service with client credentials
//   web / web-secret                a web application using the authorization code flow
// Resource servers (RFC 8707 `resource` → the access token's `aud`):
//   https://api.aurum.test, https://api2.aurum.test, https://other.example
// Accounts: any login works (development interactions); the account id is the login and
// the claims are derived from it (see accountClaims).
//
// Test controls, outside the provider's own routes:
//   GET  /_test/stats      {"introspection": n, "revocation": n}
//   POST /_test/reset      counters to zero, normal behaviour, default token lifetime
//   POST /_test/control?mode=normal|slow|garbage&delay_ms=N&fail_next=N&token_ttl=S
//        slow: introspection answers after delay_ms; garbage: it answers 200 with HTML;
//        fail_next: the next N introspection calls answer 503
// With PROVIDER_STATE set, tokens and grants are saved to that file when the process is
// stopped (SIGTERM) and loaded on start, so a restarted provider knows its tokens.

import fs from 'node:fs';
import http from 'node:http';

import Provider, { errors } from 'oidc-provider';

// stdout carries only the line announcing the address; the provider's notices go to stderr.
for (const method of ['log', 'info', 'warn', 'debug']) console[method] = console.error;

const RESOURCES = {
  'https://api.aurum.test': 'api:read api:write',
  'https://api2.aurum.test': 'api:read',
  'https://other.example': 'api:read',
};
const DEFAULT_TTL = 600;
const INTROSPECTION_PATH = '/token/introspection';
const REVOCATION_PATH = '/token/revocation';

const control = { mode: 'normal', delayMs: 0, failNext: 0, tokenTtl: DEFAULT_TTL };
const stats = { introspection: 0, revocation: 0 };

function reset() {
  Object.assign(control, { mode: 'normal', delayMs: 0, failNext: 0, tokenTtl: DEFAULT_TTL });
  Object.assign(stats, { introspection: 0, revocation: 0 });
}

// ---- storage: in memory, saved to PROVIDER_STATE on SIGTERM --------------------------

const statePath = process.env.PROVIDER_STATE;
const store = new Map(
  statePath && fs.existsSync(statePath) ? JSON.parse(fs.readFileSync(statePath, 'utf8')) : [],
);
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode']);

function live(key) {
  const entry = store.get(key);
  if (entry && entry.expiresAt && entry.expiresAt <= Date.now()) {
    store.delete(key);
    return undefined;
  }
  return entry?.value;
}

class Adapter {
  constructor(model) {
    this.model = model;
  }

  key(id) {
    return `${this.model}:${id}`;
  }

  async upsert(id, payload, expiresIn) {
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : undefined;
    store.set(this.key(id), { value: payload, expiresAt });
    if (this.model === 'Session') store.set(`sessionUid:${payload.uid}`, { value: id, expiresAt });
    if (payload.userCode) store.set(`userCode:${payload.userCode}`, { value: id, expiresAt });
    if (GRANTABLE.has(this.model) && payload.grantId) {
      const members = live(`grant:${payload.grantId}`) ?? [];
      store.set(`grant:${payload.grantId}`, { value: [...members, this.key(id)] });
    }
  }

  async find(id) {
    return live(this.key(id));
  }

  async findByUid(uid) {
    const id = live(`sessionUid:${uid}`);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode) {
    const id = live(`userCode:${userCode}`);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id) {
    const payload = live(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) {
    store.delete(this.key(id));
  }

  async revokeByGrantId(grantId) {
    for (const key of live(`grant:${grantId}`) ?? []) store.delete(key);
    store.delete(`grant:${grantId}`);
  }
}

// ---- accounts ----------------------------------------------------------------------

// `login` is the account id. Logins starting with "noemail" have no email address;
// logins starting with "unverified" have one the provider has not verified.
function accountClaims(accountId) {
  const claims = { sub: accountId, preferred_username: accountId, name: `User ${accountId}` };
  if (!accountId.startsWith('noemail')) {
    claims.email = `${accountId}@example.com`;
    claims.email_verified = !accountId.startsWith('unverified');
  }
  return claims;
}

// ---- provider ----------------------------------------------------------------------

function configuration() {
  return {
    adapter: Adapter,
    clients: [
      {
        client_id: 'aurum',
        client_secret: 'aurum-secret',
        grant_types: [],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: 'aurum-post',
        client_secret: 'aurum-post-secret',
        grant_types: [],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_post',
      },
      {
        client_id: 'cli',
        client_secret: 'cli-secret',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: 'web',
        client_secret: 'web-secret',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: ['https://app.example/callback'],
      },
    ],
    cookies: { keys: ['aurum-test-provider-cookie-key'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
    },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (ctx, client, oneOf) => oneOf,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resourceIndicator) => {
          const scope = RESOURCES[resourceIndicator];
          if (!scope) throw new errors.InvalidTarget();
          return { scope, accessTokenFormat: 'opaque' };
        },
      },
    },
    // User tokens carry the profile, as Keycloak's or Zitadel's do in introspection.
    extraTokenClaims: async (ctx, token) => {
      if (!token.accountId) return undefined;
      const { sub, ...claims } = accountClaims(token.accountId);
      return claims;
    },
    findAccount: (ctx, id) => ({
      accountId: id,
      claims: () => accountClaims(id),
    }),
    ttl: {
      AccessToken: () => control.tokenTtl,
      ClientCredentials: () => control.tokenTtl,
      AuthorizationCode: 60,
      Grant: 3600,
      Interaction: 600,
      Session: 3600,
      RefreshToken: 3600,
    },
    pkce: { required: () => false },
    renderError: (ctx, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  };
}

function sleep(ms) {
  return new Promise((resolve) => { setTimeout(resolve, ms); });
}

async function testControls(ctx, next) {
  if (ctx.path === '/_test/stats' && ctx.method === 'GET') {
    ctx.body = stats;
    return undefined;
  }
  if (ctx.path === '/_test/reset' && ctx.method === 'POST') {
    reset();
    ctx.body = { ok: true };
    return undefined;
  }
  if (ctx.path === '/_test/control' && ctx.method === 'POST') {
    const { mode, delay_ms: delayMs, fail_next: failNext, token_ttl: tokenTtl } = ctx.query;
    if (mode !== undefined) control.mode = mode;
    if (delayMs !== undefined) control.delayMs = Number(delayMs);
    if (failNext !== undefined) control.failNext = Number(failNext);
    if (tokenTtl !== undefined) control.tokenTtl = Number(tokenTtl);
    ctx.body = control;
    return undefined;
  }
  if (ctx.path === REVOCATION_PATH) stats.revocation += 1;
  if (ctx.path === INTROSPECTION_PATH) {
    stats.introspection += 1;
    if (control.failNext > 0) {
      control.failNext -= 1;
      ctx.status = 503;
      ctx.body = 'temporarily unavailable';
      return undefined;
    }
    if (control.mode === 'garbage') {
      ctx.status = 200;
      ctx.type = 'html';
      ctx.body = '<html><body>Gateway says hello</body></html>';
      return undefined;
    }
    if (control.mode === 'slow') await sleep(control.delayMs);
  }
  return next();
}

const server = http.createServer();
server.listen(Number(process.env.PROVIDER_PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, configuration());
  provider.use(testControls);
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);
});

process.on('SIGTERM', () => {
  if (statePath) fs.writeFileSync(statePath, JSON.stringify([...store]));
  server.closeAllConnections();
  process.exit(0);
});
