// The board: drag-and-drop, refused moves, the keyboard, filters in the URL
// and the collapsed area for closed releases.
import { test, expect, type Page } from '@playwright/test';
import { ownerWithTeam, waitForHydration, verifyEmail } from './helpers';

function column(page: Page, status: RegExp) {
  return page.getByRole('list', { name: status });
}

function card(page: Page, title: string) {
  return page.getByRole('listitem', { name: new RegExp(`^${title}`) });
}

async function openBoard(page: Page, path = '/board') {
  await page.goto(path);
  await waitForHydration(page);
  await expect(page.getByTestId('live-dot')).toHaveAttribute('data-connected', 'true');
}

test('a card dragged in one browser moves at once there and live in another', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!);
  const rel = await t.release('Checkout v2', '2.4.0');
  const inv = await (await t.api.post('/api/team/invitations', { email: `m-${t.id}@example.com`, role: 'MEMBER' })).json();
  const other = await browser.newContext({ baseURL });
  const headers = { origin: baseURL! };
  expect((await other.request.post('/api/auth/sign-up', { headers, data: { email: `m-${t.id}@example.com`, name: 'Bob', password: `pw-${t.id}-secret` } })).status()).toBe(201);
  await verifyEmail(other.request, baseURL!, `m-${t.id}@example.com`);
  expect((await other.request.post(`/api/invitations/${inv.token}/accept`, { headers })).status()).toBe(200);

  const a = await t.ctx.newPage();
  const b = await other.newPage();
  await openBoard(a);
  await openBoard(b);
  await expect(column(b, /^Planning, 1 release/)).toContainText('Checkout v2');

  await card(a, 'Checkout v2').dragTo(column(a, /^In development/));
  await expect(column(a, /^In development, 1 release/)).toContainText('Checkout v2');
  await expect(column(a, /^Planning, 0 releases/)).toBeVisible();
  // The other browser sees it without reload.
  await expect(column(b, /^In development, 1 release/)).toContainText('Checkout v2', { timeout: 5000 });
  // And the server has it.
  const now = await (await t.api.get(`/api/releases/${rel.id}`)).json();
  expect(now.status).toBe('IN_DEVELOPMENT');
  await t.ctx.close();
  await other.close();
});

test('a move loads the board again once: its own live event refreshes it, nothing else', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!);
  await t.release('Ledger', '1.0.0');
  const page = await t.ctx.newPage();
  await openBoard(page);
  let loads = 0;
  page.on('request', (r) => {
    if (r.url().includes('/rpc/board')) loads += 1;
  });
  await card(page, 'Ledger').dragTo(column(page, /^In development/));
  await expect(column(page, /^In development, 1 release/)).toContainText('Ledger');
  // The move's own live event loads the board again…
  await expect.poll(() => loads).toBe(1);
  // …and nothing loads the board a second time.
  await page.waitForTimeout(1500);
  expect(loads).toBe(1);
  await t.ctx.close();
});

test('while dragging, legal targets are highlighted; a drop the server refuses goes back with its reason', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!);
  const rel = await t.release('Ledger', '1.0.0');
  await t.walk(rel.id, ['IN_DEVELOPMENT', 'IN_REVIEW', 'READY_STAGING', 'IN_STAGING', 'STAGING_VERIFIED']);
  expect((await t.api.patch(`/api/releases/${rel.id}`, { isBlocked: true, blockedReason: 'waiting for legal' })).status()).toBe(200);
  const page = await t.ctx.newPage();
  await openBoard(page);
  const item = card(page, 'Ledger');
  await expect(item).toHaveAttribute('aria-label', /blocked: waiting for legal/);

  // Hold the card mid-drag and look at the columns (same rule as the server's).
  await item.hover();
  await page.mouse.down();
  const target = column(page, /^Ready for production/);
  const box = (await target.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 20, { steps: 5 });
  await expect(target).toHaveAttribute('data-drop', 'legal');
  await expect(column(page, /^In staging/)).toHaveAttribute('data-drop', 'legal');
  await expect(column(page, /^Planning/)).toHaveAttribute('data-drop', 'illegal');
  await expect(column(page, /^Deployed/)).toHaveAttribute('data-drop', 'illegal');
  await page.mouse.up();

  // The machine allows STAGING_VERIFIED → READY_PRODUCTION, the block does not.
  const alert = page.getByTestId('toast-error');
  await expect(alert).toContainText('marked blocked');
  await expect(alert).toContainText('waiting for legal');
  await expect(page.getByRole('alert').filter({ hasText: 'marked blocked' })).toBeVisible();
  await expect(column(page, /^Staging verified, 1 release/)).toContainText('Ledger');
  await expect(column(page, /^Ready for production, 0 releases/)).toBeVisible();
  // It stays readable for at least five seconds.
  await page.waitForTimeout(5200);
  await expect(alert).toBeVisible();
  const now = await (await t.api.get(`/api/releases/${rel.id}`)).json();
  expect(now.status).toBe('STAGING_VERIFIED');

  // A drop on a column the state machine forbids says why, in the same alert.
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(alert).toBeHidden();
  // (Deployed: two steps ahead, and on screen beside the card.)
  const deployed = column(page, /^Deployed/);
  await deployed.scrollIntoViewIfNeeded();
  await item.hover();
  await page.mouse.down();
  const dbox = (await deployed.boundingBox())!;
  await page.mouse.move(dbox.x + dbox.width / 2, dbox.y + 20, { steps: 5 });
  await expect(deployed).toHaveAttribute('data-drop', 'illegal');
  await page.mouse.up();
  await expect(alert).toContainText('Ledger 1.0.0');
  await expect(column(page, /^Staging verified, 1 release/)).toContainText('Ledger');
  await t.ctx.close();
});

test('a card moves by keyboard: focus, m, pick a status; arrows walk the board; ? lists the shortcuts', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!);
  await t.release('Search', '3.1.0', { priority: 'HIGH' });
  const second = await t.release('Billing', '0.9.0');
  await t.walk(second.id, ['IN_DEVELOPMENT']);
  const page = await t.ctx.newPage();
  await openBoard(page);

  await card(page, 'Search').focus();
  await page.keyboard.press('m');
  const dialog = page.getByRole('dialog', { name: /Move Search 3.1.0 to/ });
  await expect(dialog).toBeVisible();
  // Only the moves the machine allows from PLANNING.
  await expect(dialog.getByRole('button')).toHaveText(['In development', 'Cancelled', 'Cancel']);
  await dialog.getByRole('button', { name: 'In development' }).focus();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(column(page, /^In development, 2 releases/)).toContainText('Search');
  // Focus stays on the moved card; arrow down reaches the next card.
  await expect(card(page, 'Search')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(card(page, 'Billing')).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(card(page, 'Search')).toBeFocused();

  // The move is confirmed in a toast; Planning is one step back, so Undo.
  const moved = page.getByTestId('toast-success').filter({ hasText: 'Moved Search 3.1.0 to In development' });
  await expect(moved).toBeVisible();
  await moved.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('toast-success').filter({ hasText: 'Search 3.1.0 is back in Planning' })).toBeVisible();
  await expect(column(page, /^Planning, /)).toContainText('Search');
  await card(page, 'Search').focus();

  // Esc closes "Move to…" without moving.
  await page.keyboard.press('m');
  await expect(page.getByRole('dialog', { name: /Move Search/ })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: /Move Search/ })).toBeHidden();
  await expect(column(page, /^Planning, /)).toContainText('Search');

  // ? shows the shortcuts, / opens the command palette.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('Move the focused card to…');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await page.keyboard.press('/');
  await expect(page.getByRole('combobox', { name: 'Search or type a command' })).toBeFocused();
  await page.keyboard.press('Escape');
  await t.ctx.close();
});

test('filters live in the URL; closed releases sit in a collapsed area; finished columns show the latest', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!);
  await t.release('Urgent fix', '1.0.1', { priority: 'CRITICAL' });
  await t.release('Someday', '0.1.0', { priority: 'LOW' });
  const dropped = await t.release('Dropped', '0.0.1');
  await t.walk(dropped.id, ['CANCELLED']);
  const page = await t.ctx.newPage();
  await openBoard(page);
  await page.getByLabel('Priority', { exact: true }).selectOption('CRITICAL');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/priority=CRITICAL/);
  await expect(column(page, /^Planning, 1 release/)).toContainText('Urgent fix');
  await expect(column(page, /^Planning, 1 release/)).not.toContainText('Someday');
  // A shared link shows the same view.
  const shared = await t.ctx.newPage();
  await shared.goto(page.url());
  await expect(column(shared, /^Planning, 1 release/)).toContainText('Urgent fix');
  await page.getByRole('link', { name: 'Clear filters' }).first().click();
  await expect(column(page, /^Planning, 2 releases/)).toBeVisible();

  // CANCELLED is counted but collapsed until asked for.
  const cancelled = column(page, /^Cancelled, 1 release/);
  await expect(cancelled).toBeVisible();
  await expect(cancelled).not.toContainText('Dropped');
  await page.getByRole('link', { name: 'Expand' }).click();
  await expect(page).toHaveURL(/closed=1/);
  await expect(column(page, /^Cancelled, 1 release/)).toContainText('Dropped');
  await t.ctx.close();
});

test('the board renders without JavaScript', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!);
  await t.release('Static', '1.0.0');
  const state = await t.ctx.storageState();
  const noJs = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: state });
  const page = await noJs.newPage();
  await page.goto('/board?priority=MEDIUM');
  await expect(column(page, /^Planning, 1 release/)).toContainText('Static');
  await expect(page.getByRole('listitem', { name: /^Static 1.0.0/ })).toBeVisible();
  // "Move to…" needs the page's code: without it, no button that does nothing.
  await expect(page.getByRole('button', { name: /^Move Static 1.0.0 to/ })).toHaveCount(0);
  await noJs.close();

  // Live, every card has it, and it opens the moves the machine allows.
  const live = await t.ctx.newPage();
  await openBoard(live, '/board?priority=MEDIUM');
  await live.getByRole('button', { name: 'Move Static 1.0.0 to…' }).click();
  const dialog = live.getByRole('dialog', { name: /Move Static 1.0.0 to/ });
  await expect(dialog.getByRole('button')).toHaveText(['In development', 'Cancelled', 'Cancel']);
  await t.ctx.close();
});

test('the Deployed column shows the latest twenty, with the total and a way to the rest', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!);
  const flow = ['IN_DEVELOPMENT', 'IN_REVIEW', 'READY_STAGING', 'IN_STAGING', 'STAGING_VERIFIED', 'READY_PRODUCTION', 'DEPLOYED'];
  for (let i = 1; i <= 22; i++) {
    const r = await t.release(`Shipped ${String(i).padStart(2, '0')}`, `1.${i}.0`);
    await t.walk(r.id, flow);
  }
  const page = await t.ctx.newPage();
  await openBoard(page);
  const deployed = column(page, /^Deployed, 22 releases/);
  await expect(deployed.getByRole('listitem')).toHaveCount(20);
  // Most recent first: the last one shipped is on top, the first two are not shown.
  await expect(deployed.getByRole('listitem').first()).toHaveAttribute('aria-label', /^Shipped 22/);
  await expect(deployed).not.toContainText('Shipped 01');
  const section = page.locator('[data-column="DEPLOYED"]');
  await expect(section).toContainText('Latest 20 of 22');
  await section.getByRole('link', { name: 'Show 2 more' }).click();
  await expect(page).toHaveURL(/show=DEPLOYED(:|%3A)22/);
  await expect(deployed.getByRole('listitem')).toHaveCount(22);
  await expect(section.getByRole('link', { name: 'All in list' })).toHaveCount(0);
  await t.ctx.close();
});
