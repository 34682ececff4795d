// A webhook receiver (/receiver/…), fakes of GitHub (OAuth app flow, /user, pulls, search, repos) and of
// Atlassian (3LO under /atl-auth, the Jira API under /atl-api), for the
// browser suite only. They answer with the providers' documented shapes;
// "authorize" approves at once and sends the browser back to the app's
// callback with a code and the app's own state, as the providers do after
// the user clicks "Authorize"/"Accept".
import http from 'node:http';

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

http
  .createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const p = url.pathname;
    const gh = req.headers.authorization === `Bearer ${TOKEN}`;
    const jira = req.headers.authorization === `Bearer ${JIRA_TOKEN}`;
    if (req.method === 'GET' && p === '/health') {
      res.end('ok');
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
