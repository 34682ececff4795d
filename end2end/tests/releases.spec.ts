import { test, expect, type Browser } from '@playwright/test';
import { waitForHydration, expectNoSeriousA11yViolations, ownerWithTeam } from './helpers';

/** A signed-in owner with a team, through the API (fast arrange). */
async function ownerContext(browser: Browser, baseURL: string, opts: { javaScriptEnabled?: boolean } = {}) {
  const ctx = await browser.newContext({ baseURL, javaScriptEnabled: opts.javaScriptEnabled ?? true });
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const headers = { origin: baseURL };
  let r = await ctx.request.post('/api/auth/sign-up', { headers, data: { email: `rel-${id}@example.com`, name: `Rel ${id.slice(-4)}`, password: `pw-${id}-secret` } });
  expect(r.status()).toBe(201);
  r = await ctx.request.post('/api/teams', { headers, data: { name: `Team ${id.slice(-4)}` } });
  expect(r.status()).toBe(201);
  return { ctx, headers };
}

test('services and releases through the pages (needs JavaScript)', async ({ browser, baseURL }) => {
  const { ctx } = await ownerContext(browser, baseURL!);
  const page = await ctx.newPage();
  await page.goto('/services');
  await expect(page.getByTestId('services-empty')).toBeVisible();
  await waitForHydration(page);
  await page.getByLabel('Name', { exact: true }).fill('Payments API');
  await page.getByLabel('GitHub repository (owner/name)').fill('acme/payments');
  await page.getByRole('button', { name: 'Add service' }).click();
  await expect(page.getByRole('listitem', { name: 'Payments API' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'services');

  await page.goto('/releases');
  await waitForHydration(page);
  await page.getByLabel('Title', { exact: true }).fill('Checkout v2');
  await page.getByLabel('Version').fill('2.4.0');
  await page.getByRole('button', { name: 'Create release' }).click();
  await expect(page).toHaveURL(/\/releases\/[0-9a-f]{32}$/);
  await expect(page.getByTestId('release-title')).toContainText('Checkout v2');
  await waitForHydration(page);
  await page.getByLabel('Add a comment (Markdown)').fill('Ready for **review**');
  await page.getByRole('button', { name: 'Comment' }).click();
  await expect(page.getByRole('list', { name: 'Comments' }).locator('strong')).toHaveText('review');
  await page.getByLabel(/Move from Planning to/).selectOption('IN_DEVELOPMENT');
  await page.getByRole('button', { name: 'Move' }).click();
  await expect(page.getByRole('list', { name: 'Activity' })).toContainText('from Planning to In development');
  await expectNoSeriousA11yViolations(page, 'release');
  await ctx.close();
});

test('without JavaScript, a release moves through its plain status form', async ({ browser, baseURL }) => {
  const { ctx, headers } = await ownerContext(browser, baseURL!, { javaScriptEnabled: false });
  const svc = await (await ctx.request.post('/api/services', { headers, data: { name: 'Ledger' } })).json();
  const rel = await (await ctx.request.post('/api/releases', { headers, data: { serviceId: svc.id, title: 'Ledger v3', version: '3.0.0' } })).json();
  const page = await ctx.newPage();
  await page.goto(`/releases/${rel.id}`);
  await expect(page.getByTestId('release-title')).toContainText('Ledger v3');
  await page.getByLabel(/Move from Planning to/).selectOption('IN_DEVELOPMENT');
  await page.getByRole('button', { name: 'Move' }).click();
  await expect(page).toHaveURL(new RegExp(`/releases/${rel.id}`));
  const now = await (await ctx.request.get(`/api/releases/${rel.id}`)).json();
  expect(now.status).toBe('IN_DEVELOPMENT');
  await page.goto(`/releases/${rel.id}`);
  await expect(page.getByRole('list', { name: 'Activity' })).toContainText('from Planning to In development');
  await ctx.close();
});

test('the deploy queue and the blocked view list what waits, and why', async ({ browser, baseURL }) => {
  const { ctx, headers } = await ownerContext(browser, baseURL!, { javaScriptEnabled: false });
  const svc = await (await ctx.request.post('/api/services', { headers, data: { name: 'Payments' } })).json();
  const ready = await (await ctx.request.post('/api/releases', { headers, data: { serviceId: svc.id, title: 'Apple Pay', version: '2.4.0' } })).json();
  for (const s of ['IN_DEVELOPMENT', 'IN_REVIEW', 'READY_STAGING']) {
    expect((await ctx.request.patch(`/api/releases/${ready.id}`, { headers, data: { status: s } })).status()).toBe(200);
  }
  const stuck = await (await ctx.request.post('/api/releases', { headers, data: { serviceId: svc.id, title: 'Refunds', version: '1.3.0' } })).json();
  await ctx.request.patch(`/api/releases/${stuck.id}`, { headers, data: { isBlocked: true, blockedReason: 'Waiting for the bank sandbox' } });
  const page = await ctx.newPage();
  await page.goto('/deploy-queue');
  await expect(page.getByRole('list', { name: 'Ready for staging' })).toContainText('Apple Pay 2.4.0');
  await expect(page.getByText('Nothing is waiting for production.')).toBeVisible();
  await page.goto('/blocked');
  await expect(page.getByRole('list', { name: 'Blocked releases' })).toContainText('Waiting for the bank sandbox');
  await expect(page.getByRole('list', { name: 'Blocked releases' })).not.toContainText('Apple Pay');
  await ctx.close();
});

test('editing a release from its page (needs JavaScript)', async ({ browser, baseURL }) => {
  const { ctx, headers } = await ownerContext(browser, baseURL!);
  const svc = await (await ctx.request.post('/api/services', { headers, data: { name: 'Ledger' } })).json();
  const rel = await (await ctx.request.post('/api/releases', { headers, data: { serviceId: svc.id, title: 'Ledger v3', version: '3.0.0' } })).json();
  const page = await ctx.newPage();
  await page.goto(`/releases/${rel.id}`);
  await waitForHydration(page);
  await page.getByLabel('Title', { exact: true }).fill('Ledger v3.1');
  await page.getByLabel('Priority').selectOption('HIGH');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('release-title')).toContainText('Ledger v3.1');
  await expect(page.getByRole('list', { name: 'Activity' })).toContainText('updated the title and priority');

  await ctx.close();
});

test('what is typed on a release page survives live refreshes; a conflicting save says so', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!);
  const rel = await t.release('Ledger', '3.0.0');
  const page = await t.ctx.newPage();
  await page.goto(`/releases/${rel.id}`);
  await waitForHydration(page);
  await expect(page.getByTestId('live-dot')).toHaveAttribute('data-connected', 'true');
  await page.getByLabel('Title', { exact: true }).fill('Ledger, my title');
  await page.getByLabel('Add a comment (Markdown)').fill('half-written thought');
  // Someone else changes the release: the page refreshes live…
  expect((await t.api.patch(`/api/releases/${rel.id}`, { priority: 'HIGH' })).status()).toBe(200);
  await expect(page.getByRole('list', { name: 'Activity' })).toContainText('priority', { timeout: 5000 });
  // …and what was typed is still there, with a note that the release moved on.
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('Ledger, my title');
  await expect(page.getByLabel('Add a comment (Markdown)')).toHaveValue('half-written thought');
  await expect(page.getByText('Someone else changed this release while you were editing')).toBeVisible();
  // Saving against the old revision is refused with the reason, nothing lost…
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText(/changed by someone else/).first()).toBeVisible();
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('Ledger, my title');
  // …and a second, informed Save goes through.
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('release-title')).toContainText('Ledger, my title');
  const now = await (await t.api.get(`/api/releases/${rel.id}`)).json();
  expect(now.title).toBe('Ledger, my title');
  expect(now.priority).toBe('HIGH');
  await t.ctx.close();
});

test('comments are edited and deleted by their author (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!);
  const rel = await t.release('Search', '1.2.0');
  const page = await t.ctx.newPage();
  await page.goto(`/releases/${rel.id}`);
  await waitForHydration(page);
  await page.getByLabel('Add a comment (Markdown)').fill('First *draft*');
  await page.getByRole('button', { name: 'Comment', exact: true }).click();
  const comment = page.getByRole('listitem', { name: 'Comment by Ada' });
  await expect(comment.locator('em')).toHaveText('draft');
  await expect(page.getByLabel('Add a comment (Markdown)')).toHaveValue('');
  await comment.getByText('Edit', { exact: true }).click();
  await comment.getByLabel('Edit comment').fill('Final **version**');
  await comment.getByRole('button', { name: 'Save comment' }).click();
  await expect(comment.locator('strong')).toHaveText('version');
  await expect(comment).toContainText('edited');
  page.once('dialog', (d) => d.accept());
  await comment.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('listitem', { name: 'Comment by Ada' })).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Activity' })).toContainText('deleted a comment');
  await t.ctx.close();
});

test('a release is deleted from its page after confirming (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!);
  const rel = await t.release('Doomed', '0.0.1');
  const page = await t.ctx.newPage();
  await page.goto(`/releases/${rel.id}`);
  await waitForHydration(page);
  page.once('dialog', (d) => { expect(d.message()).toContain('Delete Doomed 0.0.1?'); d.accept(); });
  await page.getByRole('button', { name: 'Delete release' }).click();
  await expect(page).toHaveURL(/\/releases$/);
  expect((await t.api.get(`/api/releases/${rel.id}`)).status()).toBe(404);
  await t.ctx.close();
});

test('a page whose data cannot load says why and offers Retry (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!);
  const page = await t.ctx.newPage();
  await page.goto(`/releases/${'f'.repeat(32)}`);
  await waitForHydration(page);
  const alert = page.getByRole('main').getByRole('alert');
  await expect(alert).toContainText('not found');
  const retry = alert.getByRole('button', { name: 'Retry' });
  await expect(retry).toBeVisible();
  // Retry asks again (the answer is the same: still not found, still said).
  const again = page.waitForResponse((r) => r.url().includes('/rpc/'));
  await retry.click();
  await again;
  await expect(page.getByRole('main').getByRole('alert')).toContainText('not found');
  await t.ctx.close();
});
