import { test, expect } from '@playwright/test';
import { waitForHydration, expectNoSeriousA11yViolations, ownerWithTeam } from './helpers';

// Everyday use at scale: the command palette, the audit log's filters,
// export and paging, the new-release form, the narrow layout.

test('the command palette finds things and runs actions, keyboard only (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Palette team');
  const rel = await t.release('Quarterly invoices', '2.4.0');
  await t.api.post('/api/services', { name: 'Quartermaster' });
  const page = await t.ctx.newPage();
  await page.goto('/board');
  await waitForHydration(page);

  await page.keyboard.press('Control+k');
  const box = page.getByRole('combobox', { name: 'Search or type a command' });
  await expect(box).toBeFocused();
  await page.keyboard.type('quarter');
  const results = page.getByRole('listbox', { name: 'Results' });
  await expect(results.getByRole('option', { name: /Quarterly invoices 2\.4\.0/ })).toBeVisible();
  await expect(results.getByRole('option', { name: /Quartermaster/ })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /matches/ })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'command palette');
  // Both start with "quarter": the shorter name ranks first. The first
  // result is chosen; ↓ ↑ move; Enter opens the chosen one.
  await expect(results.getByRole('option').first()).toContainText('Quartermaster');
  await expect(results.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(results.getByRole('option').nth(1)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowUp');
  await expect(results.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(results.getByRole('option').nth(1)).toContainText('Quarterly invoices');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/releases/${rel.id}$`));
  await expect(page.getByTestId('release-title')).toContainText('Quarterly invoices');

  // `/` opens it too; actions are ranked by their letters.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('/');
  await expect(box).toBeFocused();
  await page.keyboard.type('dashb');
  await expect(results.getByRole('option').first()).toContainText('Go to dashboard');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/dashboard$/);
  // Esc closes without going anywhere.
  await page.keyboard.press('Control+k');
  await expect(box).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(box).toBeHidden();
  await expect(page).toHaveURL(/\/dashboard$/);
  await t.ctx.close();
});

test('the activity log filters in the URL, pages with Load more and exports what it shows (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Audit team');
  for (let i = 0; i < 55; i++) {
    expect((await t.api.post('/api/services', { name: `Service ${i}` })).status()).toBe(201);
  }
  await t.api.post('/api/sprints', { name: 'Sprint 1', startDate: '2026-12-01', endDate: '2026-12-14' });
  const page = await t.ctx.newPage();
  await page.goto('/activity');
  await waitForHydration(page);
  const log = page.getByRole('list', { name: 'Team activity' });
  await expect(log.locator(':scope > li')).toHaveCount(50);
  await expect(log).toContainText('added the sprint Sprint 1');
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(log.locator(':scope > li')).toHaveCount(57);
  await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0);

  await page.getByLabel('About').selectOption('SPRINT');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/resource=SPRINT/);
  await expect(log.locator(':scope > li')).toHaveCount(1);
  await expect(log).toContainText('Sprint 1');
  const csv = page.getByRole('link', { name: 'CSV' });
  await expect(csv).toHaveAttribute('href', /format=csv&resourceType=SPRINT/);
  const body = await (await t.ctx.request.get((await csv.getAttribute('href'))!)).text();
  expect(body.trim().split('\n')).toHaveLength(2);
  await expectNoSeriousA11yViolations(page, 'activity, filtered');
  // A shared link shows the same view.
  const again = await t.ctx.newPage();
  await again.goto(page.url());
  await expect(again.getByRole('list', { name: 'Team activity' }).locator(':scope > li')).toHaveCount(1);
  await t.ctx.close();
});

test('c on the board opens the new-release dialog: owner, sprint, group and a multi-line description (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Form team');
  await t.release('Existing', '1.0.0');
  await t.api.post('/api/sprints', { name: 'Sprint 9', startDate: '2026-12-01', endDate: '2026-12-14' });
  await t.api.post('/api/deployment-groups', { name: 'Wave A' });
  const page = await t.ctx.newPage();
  await page.goto('/board');
  await waitForHydration(page);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('c');
  const dialog = page.getByRole('dialog', { name: 'New release' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Title', { exact: true })).toBeFocused();
  await expect(page).toHaveURL(/\/board$/);
  await expectNoSeriousA11yViolations(page, 'new-release dialog');
  if (process.env.E2E_SHOTS) await page.screenshot({ path: `${process.env.E2E_SHOTS}/new-release-dialog.png` });
  // Cancel closes it; the button opens it again.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('link', { name: /New release/ }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Title', { exact: true }).fill('Ledger');
  await dialog.getByLabel('Version').fill('3.1.0');
  await dialog.getByLabel('Owner').selectOption({ label: 'Ada' });
  await dialog.getByLabel('Sprint').selectOption({ label: 'Sprint 9' });
  await dialog.getByLabel('Deployment group').selectOption({ label: 'Wave A' });
  await dialog.getByRole('textbox', { name: /^Description/ }).fill('First line\n\n- a point');
  await dialog.getByRole('button', { name: 'Create release' }).click();
  await expect(page).toHaveURL(/\/releases\/[0-9a-f]{32}$/);
  const id = page.url().split('/').pop();
  const r = await (await t.api.get(`/api/releases/${id}`)).json();
  expect(r.sprintId).toBeTruthy();
  expect(r.deploymentGroupId).toBeTruthy();
  expect(r.ownerId).toBeTruthy();
  expect(r.description).toBe('First line\n\n- a point');
  await t.ctx.close();
});

test('on a phone the team switcher is in the header and the navigation is labelled icons', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Phone team');
  await t.release('Checkout', '1.0.0');
  const page = await t.ctx.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ['/board', '/releases', '/activity']) {
    await page.goto(path);
    await waitForHydration(page);
    await expect(page.getByTestId('current-team-compact')).toHaveText('Phone team');
    await expect(page.getByTestId('current-team')).toBeHidden();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Releases' })).toBeVisible();
    await expect(nav.locator('svg').first()).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
    if (process.env.E2E_SHOTS) await page.screenshot({ path: `${process.env.E2E_SHOTS}/narrow${path.replace(/\//g, '-')}.png`, fullPage: true });
  }
  await page.getByLabel('Team menu').click();
  await expect(page.getByRole('link', { name: 'Create team' })).toBeVisible();
  await t.ctx.close();
});

test('a release description is Markdown: previewed while editing, rendered sanitised on the page (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Markdown team');
  const rel = await t.release('Notes', '1.0.0');
  const page = await t.ctx.newPage();
  await page.goto(`/releases/${rel.id}`);
  await waitForHydration(page);
  const field = page.getByRole('textbox', { name: /^Description/ });
  await field.fill('Ship **carefully**\n\n- one\n- two\n\n<script>alert(1)</script>');
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByTestId('markdown-preview');
  await expect(preview.locator('strong')).toHaveText('carefully');
  await expect(preview.locator('li')).toHaveCount(2);
  await expect(preview.locator('script')).toHaveCount(0);
  await expect(field).toBeHidden();
  await page.getByRole('button', { name: 'Write' }).click();
  await expect(field).toBeVisible();
  await expect(field).toHaveValue(/Ship \*\*carefully\*\*/);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const shown = page.getByTestId('release-description');
  await expect(shown.locator('strong')).toHaveText('carefully');
  await expect(shown.locator('script')).toHaveCount(0);
  await expectNoSeriousA11yViolations(page, 'release with Markdown');
  await t.ctx.close();
});

test('changes say how they went: a move offers Undo, a refusal is an alert with the reason (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Toast team');
  const rel = await t.release('Undoable', '1.0.0');
  const page = await t.ctx.newPage();
  await page.goto(`/releases/${rel.id}`);
  await waitForHydration(page);
  await page.getByLabel(/Move from Planning to/).selectOption('IN_DEVELOPMENT');
  await page.getByRole('button', { name: 'Move' }).click();
  const ok = page.getByTestId('toast-success').filter({ hasText: 'Moved Undoable 1.0.0 to In development' });
  await expect(ok).toBeVisible();
  await expect(page.getByRole('status').filter({ has: ok })).toHaveCount(1);
  await ok.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(async () => (await (await t.api.get(`/api/releases/${rel.id}`)).json()).status).toBe('PLANNING');
  await expect(page.getByRole('list', { name: 'Activity' })).toContainText('from In development to Planning');

  // A refused change: the reason, as an alert.
  expect((await t.api.patch(`/api/releases/${rel.id}`, { isBlocked: true, blockedReason: 'legal hold' })).status()).toBe(200);
  await t.walk(rel.id, ['IN_DEVELOPMENT', 'IN_REVIEW', 'READY_STAGING', 'IN_STAGING', 'STAGING_VERIFIED']);
  await page.reload();
  await waitForHydration(page);
  await page.getByLabel(/Move from Staging verified to/).selectOption('READY_PRODUCTION');
  await page.getByRole('button', { name: 'Move' }).click();
  const bad = page.getByTestId('toast-failure');
  await expect(bad).toContainText('legal hold');
  await expect(page.getByRole('alert').filter({ has: bad })).toHaveCount(1);
  await t.ctx.close();
});

test('back from a release, the list still holds every row loaded and is where it was (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Long list team');
  for (let i = 0; i < 105; i++) await t.release(`Release ${String(i).padStart(3, '0')}`, `1.0.${i}`);
  const page = await t.ctx.newPage();
  await page.goto('/releases');
  await waitForHydration(page);
  // (The shortcuts dialog has a table too, closed: not a role.)
  const rows = page.getByRole('table').locator(':scope > tbody > tr');
  await expect(rows).toHaveCount(100);
  await expect(page.getByTestId('releases-count')).toHaveText('Showing 100 of 105');
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(rows).toHaveCount(105);
  await expect(page.getByTestId('releases-count')).toHaveText('105 releases');
  // The oldest, at the bottom of the second page.
  const last = page.getByRole('link', { name: 'Release 000 1.0.0' });
  await last.scrollIntoViewIfNeeded();
  const scrolled = await page.evaluate(() => window.scrollY);
  expect(scrolled).toBeGreaterThan(500);
  await last.click();
  await expect(page.getByTestId('release-title')).toContainText('Release 000');
  await page.goBack();
  await expect(rows).toHaveCount(105);
  await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(scrolled - 50);
  // A fresh visit starts from the first page.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Board', exact: true }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Releases', exact: true }).click();
  await expect(rows).toHaveCount(100);
  await t.ctx.close();
});

test('a comment shows the moment it is sent; a failed one comes back to the box with the reason (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Optimistic team');
  const rel = await t.release('Chatty', '1.0.0');
  const page = await t.ctx.newPage();
  await page.goto(`/releases/${rel.id}`);
  await waitForHydration(page);
  // A slow network: the comment is on the page before the server answers.
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  await page.route('**/rpc/add_comment*', async (route) => { await held; await route.continue(); });
  const box = page.getByLabel('Add a comment (Markdown)');
  await box.fill('Ship it on Friday');
  await page.getByRole('button', { name: 'Comment', exact: true }).click();
  const sending = page.getByTestId('comment-sending');
  await expect(sending).toContainText('Ship it on Friday');
  await expect(box).toHaveValue('');
  release();
  await expect(page.getByRole('list', { name: 'Comments' })).toContainText('Ship it on Friday');
  await expect(sending).toHaveCount(0);
  await page.unroute('**/rpc/add_comment*');
  // The network fails: the text is back, and an alert says so.
  await page.route('**/rpc/add_comment*', (route) => route.abort());
  await box.fill('Second thoughts');
  await page.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(page.getByTestId('toast-failure')).toBeVisible();
  await expect(box).toHaveValue('Second thoughts');
  await expect(sending).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Comments' }).getByRole('listitem')).toHaveCount(1);
  await t.ctx.close();
});

test('a long thread shows its first 200 comments and loads the rest (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Thread team');
  const rel = await t.release('Talkative', '1.0.0');
  for (let i = 0; i < 203; i++) expect((await t.api.post(`/api/releases/${rel.id}/comments`, { body: `Note ${i}` })).status()).toBe(201);
  const page = await t.ctx.newPage();
  await page.goto(`/releases/${rel.id}`);
  await waitForHydration(page);
  const list = page.getByRole('list', { name: 'Comments' }).getByRole('listitem');
  await expect(list).toHaveCount(200);
  await page.getByRole('button', { name: 'Load more comments' }).click();
  await expect(list).toHaveCount(203);
  await expect(list.last()).toContainText('Note 202');
  await expect(page.getByRole('button', { name: 'Load more comments' })).toHaveCount(0);
  // Away and Back: the whole thread is still there.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Board', exact: true }).click();
  await expect(page).toHaveURL(/\/board/);
  await page.goBack();
  await expect(list).toHaveCount(203);
  await expect(page.getByRole('button', { name: 'Load more comments' })).toHaveCount(0);
  await t.ctx.close();
});

test('services page 100 at a time (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Many services team');
  // The team starts with one (Payments).
  for (let i = 0; i < 101; i++) expect((await t.api.post('/api/services', { name: `Svc ${String(i).padStart(3, '0')}` })).status()).toBe(201);
  const page = await t.ctx.newPage();
  await page.goto('/services');
  await waitForHydration(page);
  const rows = page.getByRole('list', { name: 'Services' }).locator(':scope > li');
  await expect(rows).toHaveCount(100);
  await expect(page.getByTestId('list-count')).toHaveText('Showing 100 of 102');
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(rows).toHaveCount(102);
  await expect(page.getByTestId('list-count')).toHaveText('102 services');
  await expect(page.getByRole('list', { name: 'Services' })).toContainText('Svc 100');
  await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0);
  await t.ctx.close();
});

test('deployment groups page 100 at a time (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Many groups team');
  for (let i = 0; i < 102; i++) expect((await t.api.post('/api/deployment-groups', { name: `Wave ${String(i).padStart(3, '0')}` })).status()).toBe(201);
  const page = await t.ctx.newPage();
  await page.goto('/deployment-groups');
  await waitForHydration(page);
  const rows = page.getByRole('list', { name: 'Deployment groups' }).locator(':scope > li');
  await expect(rows).toHaveCount(100);
  await expect(page.getByTestId('list-count')).toHaveText('Showing 100 of 102');
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(rows).toHaveCount(102);
  await expect(page.getByTestId('list-count')).toHaveText('102 groups');
  // Newest first: the oldest two come last.
  await expect(rows.last()).toContainText('Wave 000');
  await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0);
  await t.ctx.close();
});

test('an edited title shows at once; a failed save puts the saved one back with the reason (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Edit team');
  const rel = await t.release('Ledger', '1.0.0');
  const page = await t.ctx.newPage();
  await page.goto(`/releases/${rel.id}`);
  await waitForHydration(page);
  const heading = page.getByTestId('release-title');
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  await page.route('**/rpc/edit_release*', async (route) => { await held; await route.continue(); });
  await page.getByLabel('Title', { exact: true }).fill('General ledger');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(heading).toContainText('General ledger');
  release();
  await expect(page.getByTestId('toast-success')).toContainText('Saved General ledger');
  await expect(heading).toContainText('General ledger');
  await page.unroute('**/rpc/edit_release*');
  // The network fails: the heading goes back to what the server has.
  await page.route('**/rpc/edit_release*', (route) => route.abort());
  await page.getByLabel('Title', { exact: true }).fill('Never saved');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('toast-failure')).toBeVisible();
  await expect(heading).toContainText('General ledger');
  await expect(heading).not.toContainText('Never saved');
  await t.ctx.close();
});

test('sprints page 50 at a time; a sprint counts every release and loads them 100 at a time (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Many sprints team');
  let first = '';
  for (let i = 0; i < 51; i++) {
    const res = await t.api.post('/api/sprints', { name: `Sprint ${String(i).padStart(2, '0')}`, startDate: '2026-12-01', endDate: '2026-12-14' });
    expect(res.status()).toBe(201);
    if (i === 0) first = (await res.json()).id;
  }
  const page = await t.ctx.newPage();
  await page.goto('/sprints');
  await waitForHydration(page);
  const cards = page.getByRole('list', { name: 'Sprints' }).locator(':scope > li');
  await expect(cards).toHaveCount(50);
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(cards).toHaveCount(51);
  await expect(cards.last()).toContainText('Sprint 00');
  await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0);

  for (let i = 0; i < 103; i++) await t.release(`In sprint ${String(i).padStart(3, '0')}`, `1.0.${i}`, { sprintId: first });
  const done = await t.release('Shipped one', '2.0.0', { sprintId: first });
  await t.walk(done.id, ['IN_DEVELOPMENT', 'IN_REVIEW', 'READY_STAGING', 'IN_STAGING', 'STAGING_VERIFIED', 'READY_PRODUCTION', 'DEPLOYED']);
  await page.goto(`/sprints/${first}`);
  await waitForHydration(page);
  // The counts and the progress are the sprint's, not the loaded page's.
  await expect(page.getByText('1 of 104 deployed (0%)')).toBeVisible();
  await expect(page.getByTestId('sprint-shown')).toHaveText('Showing 100 of 104');
  const planning = page.getByRole('list', { name: 'Planning' }).getByRole('listitem');
  await expect(planning).toHaveCount(99);
  await expect(page.getByText('4 more not loaded yet')).toBeVisible();
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(planning).toHaveCount(103);
  await expect(page.getByTestId('sprint-shown')).toHaveText('104 releases');
  await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0);
  // Back from one of them: all still loaded.
  await page.getByRole('link', { name: 'In sprint 000 1.0.0' }).click();
  await expect(page.getByTestId('release-title')).toContainText('In sprint 000');
  await page.goBack();
  await expect(planning).toHaveCount(103);
  await t.ctx.close();
});

test('a group offers its 50 most recent candidates and finds any other by search, with or without JavaScript', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Big group team');
  const group = await (await t.api.post('/api/deployment-groups', { name: 'Wave 1', deploymentOrder: 'SEQUENTIAL' })).json();
  for (let i = 0; i < 55; i++) await t.release(`Cand ${String(i).padStart(3, '0')}`, `1.0.${i}`);
  const page = await t.ctx.newPage();
  await page.goto(`/deployment-groups/${group.id}`);
  await waitForHydration(page);
  await expect(page.getByTestId('candidates-shown')).toHaveText('The 50 most recently changed of 55 releases that could join; search to find the others.');
  const options = page.locator('#add-release option');
  await expect(options).toHaveCount(50);
  // The oldest is not offered until searched for.
  await expect(options.filter({ hasText: 'Cand 000' })).toHaveCount(0);
  await page.getByLabel('Find a release (title, version, description)').fill('Cand 000');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(/q=Cand/);
  await expect(options).toHaveCount(1);
  await expect(page.getByTestId('candidates-shown')).toHaveCount(0);
  await page.getByRole('button', { name: 'Add to group' }).click();
  await expect(page.getByTestId('toast-success')).toContainText('Added to the group');
  await expect(page.getByText('No release in flight outside this group matches.')).toBeVisible();

  // Without JavaScript the search is a plain GET form.
  const nojs = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: await t.ctx.storageState() });
  const p2 = await nojs.newPage();
  await p2.goto(`/deployment-groups/${group.id}`);
  await p2.getByLabel('Find a release (title, version, description)').fill('Cand 054');
  await p2.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(p2).toHaveURL(/q=Cand/);
  await expect(p2.locator('#add-release option')).toHaveCount(1);
  await expect(p2.locator('#add-release option')).toContainText('Cand 054');
  await nojs.close();
  await t.ctx.close();
});

test('a release loads more of its deployments and of its activity (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Busy release team');
  const rel = await t.release('Busy', '1.0.0');
  for (let i = 0; i < 23; i++) {
    const res = await t.api.post('/api/deployments', { service: t.svc.id, version: '1.0.0', environment: 'STAGING', status: 'STARTED', commitSha: `abc${String(i).padStart(4, '0')}` });
    expect(res.status()).toBe(201);
  }
  for (let i = 0; i < 55; i++) {
    expect((await t.api.patch(`/api/releases/${rel.id}`, { title: `Busy ${i}` })).status()).toBe(200);
  }
  const page = await t.ctx.newPage();
  await page.goto(`/releases/${rel.id}`);
  await waitForHydration(page);
  const deployments = page.getByRole('list', { name: 'Deployments' }).getByRole('listitem');
  await expect(deployments).toHaveCount(20);
  await page.getByRole('button', { name: 'Load more deployments' }).click();
  await expect(deployments).toHaveCount(23);
  // Newest first: the first report comes last.
  await expect(deployments.last()).toContainText('abc0000');
  await expect(page.getByRole('button', { name: 'Load more deployments' })).toHaveCount(0);
  const activity = page.getByRole('list', { name: 'Activity' }).getByRole('listitem');
  await expect(activity).toHaveCount(50);
  await page.getByRole('button', { name: 'Load more activity' }).click();
  await expect.poll(() => activity.count()).toBeGreaterThan(55);
  await expect(activity.last()).toContainText(/created/i);
  await expect(page.getByRole('button', { name: 'Load more activity' })).toHaveCount(0);
  await t.ctx.close();
});
