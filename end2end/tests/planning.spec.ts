// Planning in the browser: dependencies that block a drop and clear live,
// a sequential group reordered by drag-and-drop, and the planning pages.
import { test, expect, type Page } from '@playwright/test';
import { ownerWithTeam, waitForHydration } from './helpers';

const TO_STAGING_VERIFIED = ['IN_DEVELOPMENT', 'IN_REVIEW', 'READY_STAGING', 'IN_STAGING', 'STAGING_VERIFIED'];

function column(page: Page, status: RegExp) {
  return page.getByRole('list', { name: status });
}

test('a BLOCKS dependency refuses the drop to Ready for production; deploying the blocker clears the badge live', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!);
  const api = await t.release('Gateway', '4.0.0');
  const web = await t.release('Storefront', '2.1.0');
  await t.walk(web.id, TO_STAGING_VERIFIED);

  // Add the dependency from the release page, by searching.
  const page = await t.ctx.newPage();
  await page.goto(`/releases/${web.id}`);
  await waitForHydration(page);
  await page.getByLabel('Find a release (title, version, service)').fill('gatew');
  await page.getByRole('button', { name: 'Add Gateway 4.0.0' }).click();
  await expect(page.getByTestId('blocked-by-banner')).toContainText('Gateway 4.0.0');
  await expect(page.getByTestId('dependency-graph')).toBeVisible();

  // On the board the card says so, and the drop is refused with the reason.
  await page.goto('/board');
  await waitForHydration(page);
  await expect(page.getByTestId('live-dot')).toHaveAttribute('data-connected', 'true');
  const card = page.getByRole('listitem', { name: /^Storefront 2.1.0/ });
  await expect(card.getByTestId('blocked-by')).toContainText('Gateway 4.0.0');
  await card.dragTo(column(page, /^Ready for production/));
  await expect(page.getByTestId('toast-error')).toContainText('blocked by "Gateway 4.0.0"');
  await expect(column(page, /^Staging verified, 1 release/)).toContainText('Storefront');

  // Someone deploys the blocker: the badge disappears without reload.
  await t.walk(api.id, [...TO_STAGING_VERIFIED, 'READY_PRODUCTION', 'DEPLOYED']);
  await expect(card.getByTestId('blocked-by')).toHaveCount(0, { timeout: 5000 });
  await card.dragTo(column(page, /^Ready for production/));
  await expect(column(page, /^Ready for production, 1 release/)).toContainText('Storefront');
  await t.ctx.close();
});

test('a sequential deployment group is reordered by drag-and-drop and by keyboard', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!);
  const g = await (await t.api.post('/api/deployment-groups', { name: 'Friday train', deploymentOrder: 'SEQUENTIAL' })).json();
  const ids: string[] = [];
  for (const name of ['First', 'Second', 'Third']) {
    const r = await t.release(name, '1.0.0');
    ids.push(r.id);
    expect((await t.api.post(`/api/deployment-groups/${g.id}/releases`, { releaseId: r.id })).status()).toBe(201);
  }
  const page = await t.ctx.newPage();
  await page.goto(`/deployment-groups/${g.id}`);
  await waitForHydration(page);
  const order = page.getByRole('list', { name: 'Deployment order' });
  await expect(order.getByRole('listitem')).toHaveText([/First/, /Second/, /Third/]);
  await order.getByRole('listitem', { name: 'Third 1.0.0' }).dragTo(order.getByRole('listitem', { name: 'First 1.0.0' }));
  await expect(order.getByRole('listitem')).toHaveText([/Third/, /First/, /Second/]);
  await expect.poll(async () => (await (await t.api.get(`/api/deployment-groups/${g.id}/releases`)).json()).items.map((r: { title: string }) => r.title)).toEqual(['Third', 'First', 'Second']);
  // The plan follows the chosen order.
  await expect(page.getByRole('list', { name: 'Rollout plan' }).getByRole('listitem').first()).toContainText('Third');
  // Keyboard: move Second up.
  await page.getByRole('button', { name: 'Move Second 1.0.0 up' }).click();
  await expect.poll(async () => (await (await t.api.get(`/api/deployment-groups/${g.id}/releases`)).json()).items.map((r: { title: string }) => r.title)).toEqual(['Third', 'Second', 'First']);
  await t.ctx.close();
});

test('sprints, the dashboard and the calendar render with real data', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!);
  const today = new Date().toISOString().slice(0, 10);
  const sprint = await (await t.api.post('/api/sprints', { name: 'Sprint 42', startDate: today, endDate: today, status: 'ACTIVE' })).json();
  const shipped = await t.release('Shipped', '1.0.0', { targetDate: today });
  await t.walk(shipped.id, [...TO_STAGING_VERIFIED, 'READY_PRODUCTION', 'DEPLOYED']);
  expect((await t.api.patch(`/api/releases/${shipped.id}`, { sprintId: sprint.id })).status()).toBe(200);
  await t.release('Planned', '0.1.0', { targetDate: today });
  const page = await t.ctx.newPage();
  await page.goto(`/sprints/${sprint.id}`);
  await expect(page.getByRole('progressbar', { name: 'Sprint 42 progress' })).toHaveAttribute('aria-valuenow', '100');
  await page.goto('/dashboard');
  await expect(page.getByTestId('dora-frequency')).toContainText('from 1 event');
  await expect(page.getByRole('progressbar', { name: 'Active sprint progress' })).toBeVisible();
  await expect(page.getByRole('img', { name: /Deployments per week/ })).toBeVisible();
  await page.goto('/calendar');
  const cell = page.locator(`td[data-date="${today}"]`);
  await expect(cell).toContainText('Shipped 1.0.0');
  await expect(cell).toContainText('Planned 0.1.0');
  await expect(cell).toContainText('Sprint 42');
  await t.ctx.close();
});
