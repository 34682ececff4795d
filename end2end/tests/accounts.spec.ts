import { test, expect, type Page } from '@playwright/test';
import { waitForHydration, expectNoSeriousA11yViolations, ownerWithTeam, mailTo, linkIn } from './helpers';

function newUser(tag: string) {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  return { name: `${tag} ${id.slice(-4)}`, email: `${tag.toLowerCase()}-${id}@example.com`, password: `pw-${id}-secret` };
}

async function signUp(page: Page, user: { name: string; email: string; password: string }, next?: string) {
  await page.goto(next ? `/sign-up?next=${encodeURIComponent(next)}` : '/sign-up');
  await waitForHydration(page);
  await page.getByLabel('Name').fill(user.name);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password (at least 10 characters)').fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
}

test('sign up, create a team, land on the empty board (needs JavaScript)', async ({ page }) => {
  const user = newUser('Ada');
  await signUp(page, user);
  await expect(page).toHaveURL(/\/select-team$/);
  await page.getByLabel('Team name').fill('Payments');
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(page).toHaveURL(/\/board$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Board' })).toBeVisible();
  await expect(page.getByTestId('board-empty')).toContainText('No releases yet');
  await expect(page.getByRole('list', { name: /^In development, 0 releases/ })).toBeVisible();
  await expect(page.getByTestId('current-team')).toHaveText('Payments');
  await expectNoSeriousA11yViolations(page, 'board');
});

test('signing out, then the redirect to sign-in with next (needs JavaScript)', async ({ page }) => {
  const user = newUser('Bob');
  await signUp(page, user);
  await page.getByLabel('Team name').fill('Ledger');
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(page).toHaveURL(/\/board$/);
  await waitForHydration(page);

  await page.getByLabel('Account menu').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  await page.goto('/settings/members');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fsettings%2Fmembers$/);
  await waitForHydration(page);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill('definitely wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('wrong email or password');
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/settings\/members$/);
  await expect(page.getByRole('heading', { name: /Members of Ledger/ })).toBeVisible();
});

test('an invitation by email, accepted in a second browser after verifying the address (needs JavaScript)', async ({ page, browser }) => {
  test.setTimeout(90_000); // two browsers, three emails and two axe runs
  const owner = newUser('Owner');
  await signUp(page, owner);
  await page.getByLabel('Team name').fill('Checkout');
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(page).toHaveURL(/\/board$/);
  await page.goto('/settings/members');
  await waitForHydration(page);

  const invitee = newUser('Invitee');
  await page.getByLabel('Email').fill(invitee.email);
  await page.getByLabel('Role', { exact: true }).selectOption('ADMIN');
  await page.getByRole('button', { name: 'Create invitation' }).click();
  const link = await page.getByTestId('invite-link').inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{40,}$/);
  // The invitee gets it by email: the team, who invited, the same link.
  const invitation = await mailTo(page.request, invitee.email, '/invite/');
  expect(invitation.subject).toContain('Checkout');
  expect(invitation.text).toContain(owner.name);
  expect(linkIn(invitation, '/invite/')).toBe(link);

  const other = await browser.newContext();
  const page2 = await other.newPage();
  await page2.goto(linkIn(invitation, '/invite/'));
  await expect(page2.getByRole('heading', { name: 'Join Checkout' })).toBeVisible();
  await page2.getByRole('link', { name: 'Create an account' }).click();
  await expect(page2.getByLabel('Email')).toHaveValue(invitee.email);
  await waitForHydration(page2);
  await page2.getByLabel('Name').fill(invitee.name);
  await page2.getByLabel('Password (at least 10 characters)').fill(invitee.password);
  await page2.getByRole('button', { name: 'Create account' }).click();
  await expect(page2).toHaveURL(/\/invite\//);
  await waitForHydration(page2);
  // Not verified yet: the page says why and offers a new link.
  const verifyFirst = page2.getByTestId('verify-first');
  await expect(verifyFirst).toContainText('Confirm your email address first');
  await verifyFirst.getByRole('button', { name: 'Resend the link' }).click();
  await expect(verifyFirst.getByRole('status')).toContainText('Sent');
  const verification = await mailTo(page2.request, invitee.email, '/verify-email', 1);
  await page2.goto(linkIn(verification, '/verify-email'));
  await waitForHydration(page2);
  await expectNoSeriousA11yViolations(page2, 'verify email');
  await page2.getByRole('button', { name: 'Confirm my email' }).click();
  await expect(page2.getByRole('status')).toContainText('Your email address is confirmed');
  await page2.goto(link);
  await waitForHydration(page2);
  await page2.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(page2).toHaveURL(/\/board$/);
  await page2.goto('/settings/members');
  const members2 = page2.getByRole('list', { name: 'Members' });
  await expect(members2).toContainText(owner.email);
  await expect(members2).toContainText(invitee.email);

  await page.reload();
  const members1 = page.getByRole('list', { name: 'Members' });
  await expect(members1).toContainText(invitee.email);
  await expect(page.getByRole('listitem', { name: `${invitee.name} (Admin)` })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'members');

  // The used link now says so.
  await page2.goto(link);
  await expect(page2.getByRole('heading', { name: 'This invitation has already been used' })).toBeVisible();
  await other.close();
});

test('changing the password from the profile page (needs JavaScript)', async ({ page }) => {
  const user = newUser('Cy');
  await signUp(page, user);
  await page.getByLabel('Team name').fill('Infra');
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(page).toHaveURL(/\/board$/);
  await page.goto('/settings/profile');
  await waitForHydration(page);
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(user.email);
  await page.getByLabel('Current password').fill('not the password');
  await page.getByLabel('New password (at least 10 characters)').fill('a fresh new password');
  await page.getByRole('button', { name: 'Change password' }).click();
  // Said beside the field at fault, which takes focus.
  await expect(page.locator('#field-current_password-error')).toContainText('current password is wrong');
  await expect(page.getByLabel('Current password')).toBeFocused();
  await page.getByLabel('Current password').fill(user.password);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('main').getByRole('status').filter({ hasText: 'Password changed' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'profile');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('sign-in page renders and protects pages', async ({ page }) => {
    await page.goto('/board');
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fboard$/);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await page.goto('/invite/not-a-real-token');
    await expect(page.getByRole('heading', { name: 'This invitation does not exist' })).toBeVisible();
  });
});

test('team settings keep the Slack webhook secret and refuse a foreign host (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!);
  const page = await t.ctx.newPage();
  await page.goto('/settings/team');
  await waitForHydration(page);
  await page.getByLabel('Incoming webhook URL').fill('https://evil.example.com/hook');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('#field-slack_webhook_url-error')).toContainText('hooks.slack.com');
  await expect(page.getByLabel('Incoming webhook URL')).toBeFocused();
  await page.getByLabel('Incoming webhook URL').fill('https://hooks.slack.com/services/T000/B000/abcdefghSecretXy9z');
  await page.getByLabel('a release changes status').uncheck();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText(/A webhook is configured: https:\/\/hooks\.slack\.com\/services\/…/)).toBeVisible();
  await expect(page.locator('body')).not.toContainText('abcdefghSecret');
  const s = await (await t.api.get('/api/team/settings')).json();
  expect(s.slackWebhookConfigured).toBe(true);
  expect(s.notifyOnStatusChange).toBe(false);
  expect(s.notifyOnBlocked).toBe(true);
  await t.ctx.close();
});

test('connecting GitHub goes through the OAuth dance; a pull request is linked to a release and shown (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!);
  const page = await t.ctx.newPage();
  await page.goto('/settings/profile');
  await waitForHydration(page);
  await expect(page.getByTestId('github-connection')).toContainText('Not connected');
  await page.getByRole('link', { name: 'Connect GitHub' }).click();
  // Authorize at the (fake) GitHub, back through the callback, to the profile.
  await expect(page).toHaveURL(/\/settings\/profile\?connected=github/);
  await expect(page.getByTestId('github-connection')).toContainText('Connected as octo-e2e');
  await expect(page.locator('body')).not.toContainText('gho_');
  const conns = await (await t.api.get('/api/oauth/connections')).json();
  expect(conns).toEqual([expect.objectContaining({ provider: 'GITHUB', accountName: 'octo-e2e', isValid: true })]);
  // Link a pull request to a release through that connection.
  const rel = await t.release('Checkout', '3.0.0');
  // Our own change shows without the live feed (its stream may still be
  // connecting when the first click lands): cut it off to prove it.
  await page.route('**/api/events**', (route) => route.abort());
  await page.goto(`/releases/${rel.id}`);
  await waitForHydration(page);
  await page.getByLabel('Or paste').selectOption('GITHUB_PR');
  await page.getByLabel('Key or reference (PAY-123, owner/repo#42 or its URL)').fill('https://github.com/acme/pay/pull/7');
  await page.getByRole('button', { name: 'Link', exact: true }).click();
  const linked = page.getByRole('list', { name: 'Linked work' });
  await expect(linked).toContainText('Fix flaky checkout (#7)');
  await expect(linked).toContainText('acme/pay#7');
  await expect(page.getByTestId('items-readiness')).toContainText('0 of 1 pull request merged');
  await expect(page.getByRole('list', { name: 'Activity' })).toContainText('linked acme/pay#7');
  await page.unroute('**/api/events**');
  await page.goto('/settings/profile');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Disconnect GitHub' }).click();
  await expect(page.getByTestId('github-connection')).toContainText('Not connected');
  await t.ctx.close();
});

test('switching team from the sidebar shows the other team\'s board, sidebar and all (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Alpha team');
  await t.release('Alpha thing', '1.0.0');
  const beta = await (await t.api.post('/api/teams', { name: 'Beta team' })).json();
  const svc = await (await t.api.post('/api/services', { name: 'Ledger' })).json();
  expect((await t.api.post('/api/releases', { serviceId: svc.id, title: 'Beta thing', version: '2.0.0' })).status()).toBe(201);
  expect(beta.id).toBeTruthy();
  const page = await t.ctx.newPage();
  await page.goto('/board');
  await waitForHydration(page);
  await expect(page.getByTestId('current-team')).toHaveText('Beta team');
  await expect(page.locator('main')).toContainText('Beta thing');
  // The frame is mounted once for every team page: the switch must still
  // bring the other team's board and sidebar, not this team's cached ones.
  await page.getByLabel('Switch team').click();
  await page.getByRole('button', { name: /Alpha team/ }).click();
  await expect(page.getByTestId('current-team')).toHaveText('Alpha team');
  await expect(page).toHaveURL(/\/board$/);
  await expect(page.locator('main')).toContainText('Alpha thing');
  await expect(page.locator('main')).not.toContainText('Beta thing');
  await t.ctx.close();
});
