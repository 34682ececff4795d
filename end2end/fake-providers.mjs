// A mail server (SMTP on FAKE_SMTP_PORT; what it received at GET /mail?to=…),
// a small OpenID Connect provider under /idp (discovery, keys made at start,
// a "Continue as" page, a token endpoint that checks the client secret and
// the PKCE verifier), a webhook receiver (/receiver/…), fakes of GitHub (OAuth app flow, /user, pulls, search, repos) and of
// Atlassian (3LO under /atl-auth, the Jira API under /atl-api), for the
// browser suite only. They answer with the providers' documented shapes;
// "authorize" approves at once and sends the browser back to the app's
// callback with a code and the app's own state, as the providers do after
// the user clicks "Authorize"/"Accept".
import http from 'node:http';
import net from 'node:net';
import crypto from 'node:crypto';
import { simpleParser } from 'mailparser';

const port = Number(process.env.FAKE_GITHUB_PORT ?? 3399);
const TOKEN = 'gho_e2eFakeToken000000000000';
const JIRA_TOKEN = 'atl_e2eFakeAccess000000000';
const SITES = [
  { id: 'cloud-zeta-0000', name: 'zeta', url: 'https://zeta.atlassian.net', scopes: ['read:jira-work'], avatarUrl: '' },
  { id: 'cloud-acme-0000', name: 'acme', url: 'https://acme.atlassian.net', scopes: ['read:jira-work'], avatarUrl: '' },
];

const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const readBody = (req) =>
  new Promise((resolve) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => resolve(body));
  });

const issue = (key, summary, status, category) => ({
  id: String(10000 + Number(key.split('-')[1])),
  key,
  self: `https://acme.atlassian.net/rest/api/3/issue/${key}`,
  fields: {
    summary,
    status: { name: status, statusCategory: { key: category } },
    assignee: { accountId: 'e2e', displayName: 'Ada E2E' },
  },
});
const ISSUES = [
  issue('PAY-101', 'Card retries', 'In Progress', 'indeterminate'),
  issue('PAY-102', 'Receipt email', 'Done', 'done'),
];

const redirectBack = (url, res, code) => {
  const back = new URL(url.searchParams.get('redirect_uri') ?? '');
  back.searchParams.set('code', code);
  back.searchParams.set('state', url.searchParams.get('state') ?? '');
  res.writeHead(302, { location: back.toString() });
  res.end();
};

// ---- SMTP: enough of the protocol for any client; every message is kept.
const smtpPort = Number(process.env.FAKE_SMTP_PORT ?? port + 2);
const mails = [];
net.createServer((sock) => {
  let buf = '';
  let data = null;
  let to = [];
  sock.write('220 e2e-mail ESMTP\r\n');
  sock.on('data', async (chunk) => {
    buf += chunk.toString('latin1');
    let i;
    while ((i = buf.indexOf('\r\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (data !== null) {
        if (line === '.') {
          const raw = data.join('\r\n');
          data = null;
          const parsed = await simpleParser(Buffer.from(raw, 'latin1'));
          mails.push({ to: [...to], subject: parsed.subject ?? '', text: parsed.text ?? '', html: parsed.html || '' });
          sock.write('250 OK\r\n');
        } else {
          data.push(line.startsWith('..') ? line.slice(1) : line);
        }
        continue;
      }
      const cmd = line.toUpperCase();
      if (cmd.startsWith('EHLO')) sock.write('250-e2e-mail\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
      else if (cmd.startsWith('HELO')) sock.write('250 e2e-mail\r\n');
      else if (cmd.startsWith('MAIL FROM')) { to = []; sock.write('250 OK\r\n'); }
      else if (cmd.startsWith('RCPT TO')) { to.push((line.match(/<([^>]*)>/) ?? [])[1] ?? ''); sock.write('250 OK\r\n'); }
      else if (cmd === 'DATA') { data = []; sock.write('354 go ahead\r\n'); }
      else if (cmd.startsWith('QUIT')) { sock.end('221 bye\r\n'); }
      else sock.write('250 OK\r\n');
    }
  });
  sock.on('error', () => {});
}).listen(smtpPort, '127.0.0.1');

// ---- OpenID Connect provider under /idp.
const idpIssuer = `http://127.0.0.1:${port}/idp`;
const IDP_CLIENT = 'e2e-oidc-client';
const IDP_SECRET = 'e2e-oidc-secret';
const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'e2e-1', use: 'sig', alg: 'RS256' };
const idpCodes = new Map();
const b64url = (b) => Buffer.from(b).toString('base64url');
const signJwt = (claims) => {
  const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'e2e-1' }));
  const body = b64url(JSON.stringify(claims));
  const sig = crypto.sign('sha256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url');
  return `${head}.${body}.${sig}`;
};
const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

http
  .createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const p = url.pathname;
    const gh = req.headers.authorization === `Bearer ${TOKEN}`;
    const jira = req.headers.authorization === `Bearer ${JIRA_TOKEN}`;
    if (req.method === 'GET' && p === '/health') {
      res.end('ok');
    // ---- the mail the SMTP server received
    } else if (req.method === 'GET' && p === '/mail') {
      const to = (url.searchParams.get('to') ?? '').toLowerCase();
      json(res, 200, mails.filter((m) => !to || m.to.some((t) => t.toLowerCase() === to)));
    // ---- the OpenID Connect provider
    } else if (req.method === 'GET' && p === '/idp/.well-known/openid-configuration') {
      json(res, 200, {
        issuer: idpIssuer,
        authorization_endpoint: `${idpIssuer}/authorize`,
        token_endpoint: `${idpIssuer}/token`,
        jwks_uri: `${idpIssuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'email', 'profile'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        code_challenge_methods_supported: ['S256'],
      });
    } else if (req.method === 'GET' && p === '/idp/jwks') {
      json(res, 200, { keys: [jwk] });
    } else if (req.method === 'GET' && p === '/idp/authorize') {
      // The provider's own sign-in page: who are you?
      const q = Object.fromEntries(url.searchParams);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><title>Test IdP</title></head><body>
<h1>Test IdP</h1><form method="post" action="/idp/approve">
${Object.entries(q).map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('')}
<label>Email <input name="email" type="email" value="sso-user@idp.example"></label>
<label>Name <input name="name" value="Sam SSO"></label>
<button type="submit">Continue</button></form></body></html>`);
    } else if (req.method === 'POST' && p === '/idp/approve') {
      const f = new URLSearchParams(await readBody(req));
      if (f.get('client_id') !== IDP_CLIENT || f.get('code_challenge_method') !== 'S256') {
        res.writeHead(400); res.end('bad request'); return;
      }
      const code = crypto.randomBytes(16).toString('hex');
      idpCodes.set(code, {
        email: f.get('email'), name: f.get('name'), nonce: f.get('nonce'),
        challenge: f.get('code_challenge'), redirect: f.get('redirect_uri'),
      });
      const back = new URL(f.get('redirect_uri'));
      back.searchParams.set('code', code);
      back.searchParams.set('state', f.get('state') ?? '');
      res.writeHead(302, { location: back.toString() });
      res.end();
    } else if (req.method === 'POST' && p === '/idp/token') {
      const f = new URLSearchParams(await readBody(req));
      const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      const [id, secret] = basic.split(':').map(decodeURIComponent);
      const c = idpCodes.get(f.get('code') ?? '');
      idpCodes.delete(f.get('code') ?? '');
      const challenge = crypto.createHash('sha256').update(f.get('code_verifier') ?? '').digest('base64url');
      if (id !== IDP_CLIENT || secret !== IDP_SECRET) { json(res, 401, { error: 'invalid_client' }); return; }
      if (!c || c.challenge !== challenge || c.redirect !== f.get('redirect_uri')) { json(res, 400, { error: 'invalid_grant' }); return; }
      const now = Math.floor(Date.now() / 1000);
      json(res, 200, {
        access_token: crypto.randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300,
        id_token: signJwt({
          iss: idpIssuer, aud: IDP_CLIENT, sub: `sub-${c.email}`, iat: now, exp: now + 300,
          nonce: c.nonce, email: c.email, email_verified: true, name: c.name,
        }),
      });
    // ---- a webhook receiver: accepts deliveries, or refuses under /fail
    } else if (req.method === 'POST' && p.startsWith('/receiver/')) {
      await readBody(req);
      res.writeHead(p.startsWith('/receiver/fail') ? 500 : 204);
      res.end();
    // ---- GitHub
    } else if (req.method === 'GET' && p === '/login/oauth/authorize') {
      redirectBack(url, res, 'e2e-code');
    } else if (req.method === 'POST' && p === '/login/oauth/access_token') {
      const ok = new URLSearchParams(await readBody(req)).get('code') === 'e2e-code';
      json(res, 200, ok ? { access_token: TOKEN, scope: 'repo', token_type: 'bearer' } : { error: 'bad_verification_code' });
    } else if (req.method === 'GET' && p === '/user') {
      json(res, gh ? 200 : 401, gh ? { login: 'octo-e2e', id: 777 } : { message: 'Bad credentials' });
    } else if (req.method === 'GET' && p === '/user/repos') {
      json(res, gh ? 200 : 401, gh ? [{ id: 1, full_name: 'acme/pay', private: true }, { id: 2, full_name: 'acme/web', private: false }] : { message: 'Bad credentials' });
    } else if (req.method === 'GET' && p === '/search/issues') {
      const q = url.searchParams.get('q') ?? '';
      const repo = (q.match(/repo:(\S+)/) ?? [])[1] ?? 'acme/pay';
      json(res, gh ? 200 : 401, gh ? {
        total_count: 1, incomplete_results: false,
        items: [{
          number: 12, title: 'Speed up checkout', state: 'closed', draft: false,
          html_url: `https://github.com/${repo}/pull/12`, user: { login: 'octo-e2e' },
          pull_request: { merged_at: '2026-11-20T10:00:00Z' },
        }],
      } : { message: 'Bad credentials' });
    } else if (req.method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/pulls\/\d+$/.test(p)) {
      const [, , owner, repo, , number] = p.split('/');
      const merged = number === '12';
      json(res, gh ? 200 : 401, gh ? {
        title: merged ? 'Speed up checkout' : `Fix flaky checkout (#${number})`,
        state: merged ? 'closed' : 'open', merged_at: merged ? '2026-11-20T10:00:00Z' : null, draft: false,
        html_url: `https://github.com/${owner}/${repo}/pull/${number}`, user: { login: 'octo-e2e' },
      } : { message: 'Bad credentials' });
    // ---- Atlassian
    } else if (req.method === 'GET' && p === '/atl-auth/authorize') {
      redirectBack(url, res, 'e2e-jira-code');
    } else if (req.method === 'POST' && p === '/atl-auth/oauth/token') {
      const body = JSON.parse((await readBody(req)) || '{}');
      const ok = (body.grant_type === 'authorization_code' && body.code === 'e2e-jira-code') || body.grant_type === 'refresh_token';
      json(res, ok ? 200 : 403, ok
        ? { access_token: JIRA_TOKEN, refresh_token: `atl_refresh_${Date.now()}`, expires_in: 3600, scope: 'read:jira-work read:jira-user offline_access', token_type: 'Bearer' }
        : { error: 'invalid_grant', error_description: 'Unknown or invalid code.' });
    } else if (req.method === 'GET' && p === '/atl-api/oauth/token/accessible-resources') {
      json(res, jira ? 200 : 401, jira ? SITES : { code: 401, message: 'Unauthorized' });
    } else if (req.method === 'GET' && /^\/atl-api\/ex\/jira\/[^/]+\/rest\/api\/3\/myself$/.test(p)) {
      json(res, jira ? 200 : 401, jira ? { accountId: 'e2e', displayName: 'Ada E2E' } : { code: 401, message: 'Unauthorized' });
    } else if (req.method === 'GET' && /^\/atl-api\/ex\/jira\/[^/]+\/rest\/api\/3\/issue\/[A-Z0-9_]+-\d+$/.test(p)) {
      const key = p.split('/').pop();
      const found = ISSUES.find((i) => i.key === key);
      if (!jira) json(res, 401, { code: 401, message: 'Unauthorized' });
      else if (found) json(res, 200, found);
      else json(res, 404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'] });
    } else if (req.method === 'GET' && /^\/atl-api\/ex\/jira\/[^/]+\/rest\/api\/3\/search\/jql$/.test(p)) {
      const jql = url.searchParams.get('jql') ?? '';
      if (!jira) json(res, 401, { code: 401, message: 'Unauthorized' });
      else if (!/^project = [A-Z][A-Z0-9_]+ AND /.test(jql) && !/^key = /.test(jql)) json(res, 400, { errorMessages: ['Unbounded JQL queries are not allowed here.'] });
      else json(res, 200, { issues: ISSUES, isLast: true });
    } else {
      res.writeHead(404);
      res.end();
    }
  })
  .listen(port, '127.0.0.1');
