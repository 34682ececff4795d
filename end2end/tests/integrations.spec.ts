// Jira and GitHub from a user's point of view, against the local fakes in
// end2end/fake-providers.mjs: connect Jira (and pick one of two sites),
// connect GitHub, pick the service's repository from one's own, then find
// and link a ticket and a pull request on a release and see its readiness.
import { test, expect } from '@playwright/test';
import { ownerWithTeam, waitForHydration, expectNoSeriousA11yViolations } from './helpers';

// E2E_SHOTS=dir keeps screenshots of each step for a person to look at.
const shot = async (page: import('@playwright/test').Page, name: string) => {
  if (process.env.E2E_SHOTS) await page.screenshot({ path: `${process.env.E2E_SHOTS}/${name}.png`, fullPage: true });
};

test('connect Jira and GitHub, pick a repository, search and link a ticket and a pull request (needs JavaScript)', async ({ browser, baseURL }) => {
  // A long journey (two OAuth dances, searches, three links, two axe scans):
  // about 15 s alone, twice that beside another worker on two cores.
  test.setTimeout(90_000);
  const t = await ownerWithTeam(browser, baseURL!, 'Integrations team');
  const page = await t.ctx.newPage();

  // Jira: the Atlassian account reaches two sites; the user picks one.
  await page.goto('/settings/profile');
  await waitForHydration(page);
  await expect(page.getByTestId('jira-connection')).toContainText('Not connected');
  await page.getByRole('link', { name: 'Connect Jira' }).click();
  await expect(page).toHaveURL(/\/settings\/profile\?choose=jira/);
  await waitForHydration(page);
  const jira = page.getByTestId('jira-connection');
  await expect(jira).toContainText('choose the Jira site');
  await shot(page, '1-choose-site');
  await jira.getByLabel(/acme/).check();
  await jira.getByRole('button', { name: 'Use this site' }).click();
  await expect(jira).toContainText('Connected as Ada E2E on acme.atlassian.net');
  await expect(page.locator('body')).not.toContainText('atl_');

  // GitHub.
  await page.getByRole('link', { name: 'Connect GitHub' }).click();
  await expect(page).toHaveURL(/connected=github/);
  await expect(page.getByTestId('github-connection')).toContainText('Connected as octo-e2e');
  await expectNoSeriousA11yViolations(page, 'profile with connections');
  await shot(page, '2-profile');

  // The service's repository, suggested from the user's own.
  await page.goto('/services');
  await waitForHydration(page);
  const row = page.getByRole('listitem', { name: 'Payments' });
  await row.getByText('Edit').click();
  const repo = row.getByLabel('GitHub repository (owner/name)');
  await repo.focus();
  await expect(row.getByText('Suggesting your 2 GitHub repositories')).toBeVisible();
  await expect(page.locator('datalist#my-repos option[value="acme/pay"]')).toHaveCount(1);
  await shot(page, '3-services');
  await repo.fill('acme/pay');
  await row.getByLabel('Jira project key').fill('PAY');
  await row.getByRole('button', { name: 'Save service' }).click();
  await expect(row).toContainText('GitHub: acme/pay');
  await expect(row).toContainText('Jira: PAY');

  // A release: find the ticket in Jira and link it.
  const rel = await t.release('Checkout', '4.0.0');
  await page.goto(`/releases/${rel.id}`);
  await waitForHydration(page);
  await page.getByLabel('Find in').selectOption('JIRA_TICKET');
  await page.getByLabel('Search text, key or number').fill('card');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const results = page.getByRole('list', { name: 'Search results' });
  await expect(results).toContainText('Card retries');
  await shot(page, '4-search');
  await results.getByRole('button', { name: 'Link PAY-101' }).click();
  const linked = page.getByRole('list', { name: 'Linked work' });
  await expect(linked).toContainText('Card retries');
  await expect(linked).toContainText('In Progress');
  await expect(page.getByTestId('items-readiness')).toHaveText('0 of 1 ticket done');
  // The linked result says so instead of offering Link again.
  await expect(results.getByRole('listitem', { name: /PAY-101/ })).toContainText('Linked');
  await expect(results.getByRole('button', { name: 'Link PAY-101' })).toHaveCount(0);

  // Then a pull request from the service's repository.
  await page.getByLabel('Find in').selectOption('GITHUB_PR');
  await page.getByLabel('Search text, key or number').fill('checkout');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(results).toContainText('Speed up checkout');
  await results.getByRole('button', { name: 'Link acme/pay#12' }).click();
  await expect(linked).toContainText('Speed up checkout');
  await expect(page.getByTestId('items-readiness')).toHaveText('0 of 1 ticket done · 1 of 1 pull request merged');
  // And the done ticket, pasted by key.
  await page.getByLabel('Or paste').selectOption('JIRA_TICKET');
  await page.getByLabel('Key or reference (PAY-123, owner/repo#42 or its URL)').fill('pay-102');
  await page.getByRole('button', { name: 'Link', exact: true }).click();
  await expect(linked).toContainText('Receipt email');
  await expect(page.getByTestId('items-readiness')).toHaveText('1 of 2 tickets done · 1 of 1 pull request merged');
  await page.getByRole('button', { name: 'Sync all' }).click();
  await expect(page.getByTestId('items-readiness')).toHaveText('1 of 2 tickets done · 1 of 1 pull request merged');
  await expectNoSeriousA11yViolations(page, 'release with linked work');
  await shot(page, '5-release');

  // The team settings list what the server has set up.
  await page.goto('/settings/team');
  await waitForHydration(page);
  const server = page.getByTestId('server-integrations');
  await expect(server).toContainText('Jira connections');
  await expect(server).toContainText('/api/oauth/jira/callback');
  await shot(page, '6-team-settings');
  await t.ctx.close();
});

test('without connections, searching and linking explain what to do, and nothing answers 500 (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Unconnected team');
  const page = await t.ctx.newPage();
  const failures: string[] = [];
  page.on('response', (r) => { if (r.status() >= 500) failures.push(`${r.status()} ${r.url()}`); });
  const rel = await t.release('Ledger', '0.9.0');
  await page.goto(`/releases/${rel.id}`);
  await waitForHydration(page);
  const rpc = page.waitForResponse((r) => r.url().includes('/rpc/search_items'));
  await page.getByLabel('Search text, key or number').fill('ledger');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  expect((await rpc).status()).toBe(400);
  await expect(page.getByRole('main').getByRole('alert').filter({ hasText: 'choose a Jira project' })).toBeVisible();
  // With a project to search, the missing connection is what it says.
  await page.getByLabel('Search text, key or number').fill('LEDG-1');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'connect Jira first' })).toBeVisible();
  await page.getByLabel('Key or reference (PAY-123, owner/repo#42 or its URL)').fill('not a key');
  await page.getByRole('button', { name: 'Link', exact: true }).click();
  await expect(page.getByRole('main').getByRole('alert').filter({ hasText: 'a Jira key looks like PROJ-123' })).toBeVisible();
  expect(failures).toEqual([]);
  await t.ctx.close();
});
