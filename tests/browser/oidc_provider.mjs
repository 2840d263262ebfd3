// A real OpenID provider (the npm package oidc-provider) for the single sign-on browser tests.
//
// Started by tests/browser/test_single_sign_on.py with its settings as JSON in OIDC_TEST_PROVIDER:
//   {"client_id", "client_secret", "redirect_uri",
//    "accounts": [{"login", "password", "sub", "email", "email_verified", "name", "amr": ["pwd", ...]}]}
// It listens on 127.0.0.1 on a free port and prints one JSON line, {"issuer": "http://127.0.0.1:<port>"},
// once it is ready. Its own sign-in and consent pages stand in for a real provider's: the login result
// carries the account's `amr`, which oidc-provider puts in the ID token.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const settings = JSON.parse(process.env.OIDC_TEST_PROVIDER ?? '{}');
const accounts = settings.accounts ?? [];
const byLogin = new Map(accounts.map((account) => [account.login, account]));
const bySub = new Map(accounts.map((account) => [account.sub, account]));

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res, title, body, status = 200) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>`
    + `<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`);
}

function loginPage(res, uid, error) {
  page(res, 'Test identity provider: sign in', `${error ? `<p role="alert">${escape(error)}</p>` : ''}
    <form method="post" action="/interaction/${uid}/login">
      <p><label for="login">Username</label> <input id="login" name="login" autocomplete="username"></p>
      <p><label for="password">Password</label> <input id="password" name="password" type="password"></p>
      <button type="submit">Sign in</button>
    </form>
    <form method="post" action="/interaction/${uid}/abort"><button type="submit">Cancel</button></form>`,
  error ? 400 : 200);
}

function consentPage(res, uid, clientId, scopes) {
  page(res, 'Test identity provider: allow access', `
    <p>${escape(clientId)} asks for: ${escape(scopes.join(', '))}.</p>
    <form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>
    <form method="post" action="/interaction/${uid}/abort"><button type="submit">Cancel</button></form>`);
}

async function form(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function interaction(provider, req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    page(res, 'Unknown interaction', '', 400);
    return;
  }
  const { prompt, params, session } = details;
  if (req.method === 'GET') {
    if (prompt.name === 'login') loginPage(res, uid);
    else consentPage(res, uid, params.client_id, details.prompt.details.missingOIDCScope ?? []);
    return;
  }
  if (action === 'abort') {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' },
      { mergeWithLastSubmission: false });
    return;
  }
  if (action === 'login') {
    const body = await form(req);
    const account = byLogin.get(body.get('login'));
    if (!account || account.password !== body.get('password')) {
      loginPage(res, uid, 'Wrong username or password');
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: account.sub, amr: account.amr ?? ['pwd'] } },
      { mergeWithLastSubmission: false });
    return;
  }
  if (action === 'confirm') {
    const grant = new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  page(res, 'Not found', '', 404);
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: [{
      client_id: settings.client_id,
      client_secret: settings.client_secret,
      redirect_uris: [settings.redirect_uri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    async findAccount(ctx, sub) {
      const account = bySub.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, email: account.email, email_verified: account.email_verified, name: account.name };
        },
      };
    },
    // amr and acr come with the openid scope, as real providers send them: by default oidc-provider
    // puts them in the ID token only when the client asks for them by name.
    claims: {
      acr: null, amr: null, auth_time: null, iss: null, sid: null,
      openid: ['sub', 'acr', 'amr', 'auth_time'], email: ['email', 'email_verified'], profile: ['name'],
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, found) => `/interaction/${found.uid}` },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    jwks: { keys: [{ ...signingKey, kid: 'test-signing-key', alg: 'RS256', use: 'sig' }] },
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const match = /^\/interaction\/([^/?]+)(?:\/(login|confirm|abort))?(?:\?|$)/.exec(req.url);
    if (!match) {
      callback(req, res);
      return;
    }
    interaction(provider, req, res, match[1], match[2]).catch((error) => {
      page(res, 'Interaction failed', `<p>${escape(error.message)}</p>`, 500);
    });
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});
