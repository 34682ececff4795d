import { test, expect } from '@playwright/test';
import { ownerWithTeam, waitForHydration, verifyEmail } from './helpers';

test('a move in one browser shows on another open board and feed without reload (needs JavaScript)', async ({ browser, baseURL }) => {
  const headers = { origin: baseURL! };
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  // Browser A: the owner, working through the API.
  const a = await browser.newContext({ baseURL });
  expect((await a.request.post('/api/auth/sign-up', { headers, data: { email: `a-${id}@example.com`, name: 'Ada', password: `pw-${id}-secret` } })).status()).toBe(201);
  expect((await a.request.post('/api/teams', { headers, data: { name: 'Live team' } })).status()).toBe(201);
  const inv = await (await a.request.post('/api/team/invitations', { headers, data: { email: `b-${id}@example.com`, role: 'MEMBER' } })).json();
  const svc = await (await a.request.post('/api/services', { headers, data: { name: 'Payments' } })).json();
  const rel = await (await a.request.post('/api/releases', { headers, data: { serviceId: svc.id, title: 'Checkout v2', version: '2.4.0' } })).json();

  // Browser B: a member, looking at the board.
  const b = await browser.newContext({ baseURL });
  expect((await b.request.post('/api/auth/sign-up', { headers, data: { email: `b-${id}@example.com`, name: 'Bob', password: `pw-${id}-secret` } })).status()).toBe(201);
  await verifyEmail(b.request, baseURL!, `b-${id}@example.com`);
  expect((await b.request.post(`/api/invitations/${inv.token}/accept`, { headers })).status()).toBe(200);
  const board = await b.newPage();
  await board.goto('/board');
  await waitForHydration(board);
  await expect(board.getByTestId('live-dot')).toHaveAttribute('data-connected', 'true');
  await expect(board.getByRole('list', { name: /^Planning, 1 release/ })).toContainText('Checkout v2');

  const moved = await a.request.patch(`/api/releases/${rel.id}`, { headers, data: { status: 'IN_DEVELOPMENT' } });
  expect(moved.status()).toBe(200);
  await expect(board.getByRole('list', { name: /^In development, 1 release/ })).toContainText('Checkout v2', { timeout: 5000 });
  await expect(board.getByRole('list', { name: /^Planning, 0 releases/ })).toBeVisible();

  const feed = await b.newPage();
  await feed.goto('/activity');
  await waitForHydration(feed);
  await expect(feed.getByTestId('live-dot')).toHaveAttribute('data-connected', 'true');
  await a.request.patch(`/api/releases/${rel.id}`, { headers, data: { status: 'IN_REVIEW' } });
  await expect(feed.getByRole('list', { name: 'Team activity' })).toContainText('from In development to In review', { timeout: 5000 });
  await a.close();
  await b.close();
});

test('the live stream comes back after it ends, and carries moves again (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Reconnect team');
  const rel = await t.release('Ledger', '3.1.0');
  const board = await t.ctx.newPage();
  // The first stream ends at once (as a dropped connection would); the
  // page must reconnect by itself, after its back-off, to the real one.
  let streams = 0;
  board.on('request', (r) => { if (r.url().endsWith('/api/events')) streams += 1; });
  await board.route('**/api/events', (route) => route.fulfill({
    status: 200, headers: { 'content-type': 'text/event-stream' }, body: ': going away\n\n',
  }), { times: 1 });
  await board.goto('/board');
  await waitForHydration(board);
  await expect(board.getByTestId('live-dot')).toHaveAttribute('data-connected', 'true', { timeout: 15_000 });
  await expect.poll(() => streams, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
  const moved = await t.api.patch(`/api/releases/${rel.id}`, { status: 'IN_DEVELOPMENT' });
  expect(moved.status()).toBe(200);
  await expect(board.getByRole('list', { name: /^In development, 1 release/ })).toContainText('Ledger', { timeout: 5000 });
  await t.ctx.close();
});
