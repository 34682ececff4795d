import { test, expect, request } from '@playwright/test';
import { ownerWithTeam, waitForHydration } from './helpers';

test('an admin creates an API token, sees it once with a Copy button, a script uses it, and revoking it ends it', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Token team');
  const page = await t.ctx.newPage();
  await page.goto('/settings/api-tokens');
  await waitForHydration(page);
  await expect(page.getByRole('heading', { name: 'API tokens', level: 1 })).toBeVisible();
  await page.getByLabel('Name').fill('CI deploy');
  await page.getByLabel('Role').selectOption('MEMBER');
  await page.getByLabel('Expires').selectOption('30');
  await page.getByRole('button', { name: 'Create token' }).click();

  const shown = page.getByTestId('token-secret');
  await expect(shown).toHaveValue(/^rc_[A-Za-z0-9_-]{43,}$/);
  const token = await shown.inputValue();
  await expect(page.getByTestId('new-token')).toContainText('shown only this once');
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
  const row = page.getByRole('row', { name: 'CI deploy' });
  await expect(row).toContainText(`rc_${token.slice(3, 11)}…`);
  await expect(row).toContainText('Member');
  await expect(row).toContainText('Never');

  // A script with the token: no cookies, no Origin.
  const ci = await request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  expect((await ci.get('/api/releases')).status()).toBe(200);

  // The list now says it was used; revoke it after confirming.
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByRole('row', { name: 'CI deploy' })).not.toContainText('Never');
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Revoke CI deploy' }).click();
  await expect(page.getByRole('row', { name: 'CI deploy' })).toContainText('Revoked');
  const refused = await ci.get('/api/releases');
  expect(refused.status()).toBe(401);
  expect(refused.headers()['www-authenticate']).toBe('Bearer');
  // The secret is nowhere on the page any more.
  await page.reload();
  await waitForHydration(page);
  expect(await page.content()).not.toContain(token.slice(3));
  await ci.dispose();
  await t.ctx.close();
});

test('a deployment CI reports moves the card on an open board, and the services and release pages show it (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Deploy team');
  const rel = await t.release('Checkout v2', '2.4.0');
  const created = await (await t.api.post('/api/team/api-tokens', { name: 'CI deploy', role: 'MEMBER' })).json();
  const ci = await request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${created.token}` } });

  const board = await t.ctx.newPage();
  await board.goto('/board');
  await waitForHydration(board);
  await expect(board.getByTestId('live-dot')).toHaveAttribute('data-connected', 'true');
  await expect(board.getByRole('list', { name: /^Planning, 1 release/ })).toContainText('Checkout v2');

  const res = await ci.post('/api/deployments', {
    data: {
      service: t.svc.slug, version: '2.4.0', environment: 'STAGING', status: 'SUCCEEDED',
      commitSha: '9fceb02d0ae598e95dc970b74767f19372d61af8', url: 'https://ci.example/runs/7', key: 'run-7',
    },
  });
  expect(res.status()).toBe(201);
  await expect(board.getByRole('list', { name: /^In staging, 1 release/ })).toContainText('Checkout v2', { timeout: 5000 });
  await expect(board.getByRole('list', { name: /^Planning, 0 releases/ })).toBeVisible();

  const services = await t.ctx.newPage();
  await services.goto('/services');
  await waitForHydration(services);
  const staging = services.getByRole('group', { name: 'Staging' });
  await expect(staging).toContainText('2.4.0');
  await expect(staging).toContainText('9fceb02');
  await expect(staging.getByRole('link', { name: 'pipeline run' })).toHaveAttribute('href', 'https://ci.example/runs/7');
  await expect(services.getByRole('group', { name: 'Production' })).toContainText('Nothing reported');

  const page = await t.ctx.newPage();
  await page.goto(`/releases/${rel.id}`);
  await waitForHydration(page);
  const deployments = page.getByRole('list', { name: 'Deployments' });
  await expect(deployments).toContainText('Deployed · staging');
  await expect(deployments).toContainText('CI deploy (token)');
  await expect(page.getByRole('list', { name: 'Activity' })).toContainText('CI deploy (token) reported Checkout v2 2.4.0 deployed to staging');
  await ci.dispose();
  await t.ctx.close();
});

test('an admin adds a webhook, sees its secret once, sends a test and sees it delivered, then redelivers it', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Webhook team');
  const receiver = `http://127.0.0.1:${process.env.FAKE_GITHUB_PORT}/receiver/${t.id}`;
  const page = await t.ctx.newPage();
  await page.goto('/settings/webhooks');
  await waitForHydration(page);
  await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
  await page.getByLabel('Payload URL').fill(receiver);
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await expect(page.getByTestId('webhook-secret')).toHaveValue(/^whsec_[A-Za-z0-9+/=]{40,}$/);
  const secret = await page.getByTestId('webhook-secret').inputValue();

  const hook = page.getByRole('listitem', { name: `Webhook ${receiver}` });
  await expect(hook).toContainText('Active');
  await expect(hook).toContainText('every event');
  await hook.getByRole('button', { name: 'Send test' }).click();
  const delivered = hook.getByRole('row', { name: 'ping Delivered' });
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh deliveries' }).click();
    await expect(delivered).toHaveCount(1, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(delivered).toContainText('204');

  await delivered.getByRole('button', { name: 'Redeliver' }).click();
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh deliveries' }).click();
    await expect(hook.getByRole('row', { name: 'ping Delivered' })).toHaveCount(2, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });

  // Pause, and the page says so; the secret is never shown again.
  await hook.getByRole('button', { name: 'Pause' }).click();
  await expect(hook).toContainText('Paused');
  await page.reload();
  await waitForHydration(page);
  expect(await page.content()).not.toContain(secret);
  await t.ctx.close();
});
