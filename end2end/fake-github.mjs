// A fake of GitHub's OAuth app flow and /user, for the browser suite only.
// It answers with GitHub's documented shapes; "authorize" approves at once
// and sends the browser back to the app's callback with a code and the
// app's own state, as GitHub does after the user clicks "Authorize".
import http from 'node:http';

const port = Number(process.env.FAKE_GITHUB_PORT ?? 3399);
const TOKEN = 'gho_e2eFakeToken000000000000';

http
  .createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (req.method === 'GET' && url.pathname === '/health') {
      res.end('ok');
    } else if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', 'e2e-code');
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.toString() });
      res.end();
    } else if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const ok = new URLSearchParams(body).get('code') === 'e2e-code';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ok ? { access_token: TOKEN, scope: 'repo', token_type: 'bearer' } : { error: 'bad_verification_code' }));
      });
    } else if (req.method === 'GET' && url.pathname === '/user') {
      const ok = req.headers.authorization === `Bearer ${TOKEN}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { login: 'octo-e2e', id: 777 } : { message: 'Bad credentials' }));
    } else if (req.method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/pulls\/\d+$/.test(url.pathname)) {
      const [, , owner, repo, , number] = url.pathname.split('/');
      const ok = req.headers.authorization === `Bearer ${TOKEN}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? {
        title: `Fix flaky checkout (#${number})`, state: 'open', merged_at: null, draft: false,
        html_url: `https://github.com/${owner}/${repo}/pull/${number}`, user: { login: 'octo-e2e' },
      } : { message: 'Bad credentials' }));
    } else {
      res.writeHead(404);
      res.end();
    }
  })
  .listen(port, '127.0.0.1');
