// Release policy in the browser: stop the line from the board (a drop into
// a frozen column is refused naming the freeze), approve as a second person
// so the drop succeeds, and an admin's override with a reason.
import { test, expect, type Page } from '@playwright/test';
import { ownerWithTeam, waitForHydration, verifyEmail } from './helpers';

const shot = async (page: Page, name: string) => {
  if (process.env.E2E_SHOTS) await page.screenshot({ path: `${process.env.E2E_SHOTS}/${name}.png`, fullPage: true });
};

function column(page: Page, status: RegExp) {
  return page.getByRole('list', { name: status });
}

function card(page: Page, title: string) {
  return page.getByRole('listitem', { name: new RegExp(`^${title}`) });
}

async function openBoard(page: Page) {
  await page.goto('/board');
  await waitForHydration(page);
  await expect(page.getByTestId('live-dot')).toHaveAttribute('data-connected', 'true');
}

test('an admin stops the line from the board; a drop into staging is refused naming the freeze; lifting it lets the card through', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Freeze team');
  const rel = await t.release('Checkout', '2.4.0');
  await t.walk(rel.id, ['IN_DEVELOPMENT', 'IN_REVIEW', 'READY_STAGING']);
  const page = await t.ctx.newPage();
  await openBoard(page);

  await page.getByTestId('stop-the-line').locator('summary').click();
  await page.getByTestId('stop-the-line').getByLabel('Reason').fill('payments are down');
  await page.getByRole('button', { name: 'Freeze every release now' }).click();
  const banner = page.getByTestId('freeze-banner');
  await expect(banner).toContainText('Frozen: Stop the line');
  await expect(banner).toContainText('payments are down');
  await shot(page, 'policy-board-frozen');

  // The board as anyone opens it while the line is stopped.
  await openBoard(page);
  await expect(page.getByTestId('freeze-banner')).toBeVisible();
  // Mid-drag the frozen column says so; the drop is refused naming the freeze.
  const staging = column(page, /^In staging/);
  await staging.scrollIntoViewIfNeeded();
  await card(page, 'Checkout').hover();
  await page.mouse.down();
  const box = (await staging.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 20, { steps: 5 });
  await expect(staging).toHaveAttribute('data-drop', 'held');
  await expect(page.getByTestId('drop-hold')).toContainText("Staging freeze 'Stop the line' until lifted");
  await page.mouse.up();
  const alert = page.getByTestId('toast-error');
  await expect(alert).toContainText("Staging freeze 'Stop the line' until lifted");
  await expect(column(page, /^Ready for staging, 1 release/)).toContainText('Checkout');

  await page.getByRole('button', { name: 'Lift Stop the line' }).click();
  await expect(banner).toBeHidden();
  await card(page, 'Checkout').dragTo(column(page, /^In staging/));
  await expect(column(page, /^In staging, 1 release/)).toContainText('Checkout');
  await t.ctx.close();
});

test('a move that needs an approval is held until a second person approves it on the release page', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Approval team');
  expect((await t.ctx.request.put('/api/team/policy', { headers: { origin: baseURL! }, data: { rules: [
    { toStatus: 'DEPLOYED', approvals: { required: 1, fromRoles: ['ADMIN', 'OWNER'], separationOfDuties: true } },
  ] } })).status()).toBe(200);
  const rel = await t.release('Ledger', '3.0.0');
  await t.walk(rel.id, ['IN_DEVELOPMENT', 'IN_REVIEW', 'READY_STAGING', 'IN_STAGING', 'STAGING_VERIFIED', 'READY_PRODUCTION']);
  // A second person, an ADMIN.
  const inv = await (await t.api.post('/api/team/invitations', { email: `a-${t.id}@example.com`, role: 'ADMIN' })).json();
  const other = await browser.newContext({ baseURL });
  const headers = { origin: baseURL! };
  expect((await other.request.post('/api/auth/sign-up', { headers, data: { email: `a-${t.id}@example.com`, name: 'Grace', password: `pw-${t.id}-secret` } })).status()).toBe(201);
  await verifyEmail(other.request, baseURL!, `a-${t.id}@example.com`);
  expect((await other.request.post(`/api/invitations/${inv.token}/accept`, { headers })).status()).toBe(200);

  const page = await t.ctx.newPage();
  await openBoard(page);
  // Mid-drag, the column says why the policy holds the move.
  const deployed = column(page, /^Deployed/);
  await deployed.scrollIntoViewIfNeeded();
  await card(page, 'Ledger').hover();
  await page.mouse.down();
  const box = (await deployed.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 20, { steps: 5 });
  await expect(deployed).toHaveAttribute('data-drop', 'held');
  await expect(page.getByTestId('drop-hold')).toContainText('needs 1 more approval from ADMIN or OWNER');
  await expect(column(page, /^Staging verified/)).toHaveAttribute('data-drop', 'legal');
  await shot(page, 'policy-drag-held');
  await page.mouse.up();
  await expect(page.getByTestId('toast-error')).toContainText('needs 1 more approval from ADMIN or OWNER');
  await expect(page.getByTestId('toast-error').getByRole('link', { name: 'See every check' })).toHaveAttribute('href', `/releases/${rel.id}#policy-h`);

  // The owner created it: the release page says they cannot approve it.
  await page.goto(`/releases/${rel.id}`);
  await waitForHydration(page);
  const panel = page.getByTestId('policy-panel');
  await expect(panel).toContainText('Approvals: needs 1 more approval from ADMIN or OWNER');
  await expect(panel).toContainText('You cannot');

  const grace = await other.newPage();
  await grace.goto(`/releases/${rel.id}`);
  await waitForHydration(grace);
  const gpanel = grace.getByTestId('policy-panel');
  await gpanel.getByLabel('Move', { exact: true }).selectOption('DEPLOYED');
  await gpanel.getByLabel('Comment').fill('ship it');
  await gpanel.getByRole('button', { name: 'Approve' }).click();
  await expect(gpanel.getByRole('list', { name: 'Approvals' })).toContainText('Grace approved moving to Deployed');
  await expect(gpanel).toContainText('Approvals: 1 of 1 approvals');
  await shot(grace, 'policy-release-approved');

  await openBoard(page);
  await card(page, 'Ledger').dragTo(column(page, /^Deployed/));
  await expect(column(page, /^Deployed/)).toContainText('Ledger');
  await t.ctx.close();
  await other.close();
});

test('an admin moves a release past a freeze with a reason, and the activity says so', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Override team');
  const rel = await t.release('Search', '1.2.0');
  await t.walk(rel.id, ['IN_DEVELOPMENT', 'IN_REVIEW', 'READY_STAGING', 'IN_STAGING', 'STAGING_VERIFIED', 'READY_PRODUCTION']);
  expect((await t.api.post('/api/freezes', { name: 'Black Friday', environments: ['PRODUCTION'] })).status()).toBe(201);
  const page = await t.ctx.newPage();
  await page.goto(`/releases/${rel.id}`);
  await waitForHydration(page);
  const panel = page.getByTestId('policy-panel');
  await expect(panel).toContainText("Freeze: Production freeze 'Black Friday' until lifted");
  await panel.getByText('Override the policy').click();
  await panel.getByLabel('Move to').selectOption('DEPLOYED');
  await panel.getByLabel('Reason (everyone will see it)').fill('security fix');
  await panel.getByRole('button', { name: 'Move past the policy' }).click();
  await expect(page.getByRole('list', { name: 'Activity' })).toContainText('overriding the release policy');
  await expect(page.getByRole('list', { name: 'Activity' })).toContainText('security fix');
  const now = await (await t.api.get(`/api/releases/${rel.id}`)).json();
  expect(now.status).toBe('DEPLOYED');
  await shot(page, 'policy-override');
  await t.ctx.close();
});

test('an admin declares a weekly freeze on the settings page, edits it and lifts it; a rule is saved and removed', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Settings team');
  const page = await t.ctx.newPage();
  await page.goto('/settings/policy');
  await waitForHydration(page);
  await expect(page.getByRole('heading', { name: 'Release policy', level: 1 })).toBeVisible();

  // A rule: two approvals from owners and admins before Deployed.
  await page.getByText('Add or replace a rule').click();
  await page.getByLabel('Moves into').selectOption('DEPLOYED');
  await page.getByLabel('Approvals needed (0–10)').fill('2');
  await page.getByRole('button', { name: 'Save rule' }).click();
  const rules = page.getByRole('list', { name: 'Rules' });
  await expect(rules).toContainText('Into Deployed');
  await expect(rules).toContainText('Needs 2 approvals from ADMIN or OWNER, not the owner or whoever set the version.');

  // A weekly freeze in Berlin time, on production only.
  const declare = page.locator('details', { hasText: 'Declare a freeze' });
  await declare.getByLabel('Name').fill('Weekend');
  await declare.getByLabel('Reason').fill('nobody on call');
  await declare.getByLabel('When').selectOption('weekly');
  await declare.getByLabel('Time zone (IANA, e.g. Europe/Berlin)').fill('Europe/Berlin');
  await declare.getByLabel('Staging (In staging)').uncheck();
  await declare.getByRole('button', { name: 'Declare freeze' }).click();
  const row = page.getByRole('row', { name: /Weekend/ }).first();
  await expect(row).toContainText('Every FRI 15:00 to MON 08:00 (Europe/Berlin)');
  await expect(row).toContainText('production · every service');
  if (process.env.E2E_SHOTS) await page.screenshot({ path: `${process.env.E2E_SHOTS}/policy-settings.png`, fullPage: true });

  // Edited: a clearer reason.
  await page.getByText('Edit Weekend').click();
  await page.getByRole('textbox', { name: 'Reason' }).last().fill('weekend: nobody on call');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('row', { name: /Weekend/ }).first()).toContainText('weekend: nobody on call');

  // Lifted, then the rule removed.
  await page.getByRole('button', { name: 'Lift Weekend' }).click();
  await expect(page.getByRole('row', { name: /Weekend/ }).first()).toContainText('Ended');
  await page.getByRole('button', { name: 'Remove the rule for Deployed' }).click();
  await expect(page.getByText('No rules: moves need nothing beyond the state machine, blockers and freezes.')).toBeVisible();
  const feed = await (await t.api.get('/api/activities')).json();
  expect(feed.items.filter((a: { type: string }) => a.type === 'POLICY_CHANGED').length).toBeGreaterThanOrEqual(5);
  await t.ctx.close();
});
