// Identity in the browser: a forgotten password reset through the email the
// server really sent (read from the fake SMTP server), single sign-on with
// the test identity provider, and signing another session out.
import { test, expect, type Page } from '@playwright/test';
import { waitForHydration, expectNoSeriousA11yViolations, mailTo, linkIn, uid } from './helpers';

// E2E_SHOTS=dir keeps screenshots of each step for a person to look at.
async function shot(page: Page, name: string) {
  if (process.env.E2E_SHOTS) await page.screenshot({ path: `${process.env.E2E_SHOTS}/${name}.png`, fullPage: true });
}

test('forgot password: the emailed link sets a new password and signs out everywhere', async ({ browser, baseURL }) => {
  const id = uid();
  const email = `forgot-${id}@example.com`;
  const ctx = await browser.newContext({ baseURL });
  const headers = { origin: baseURL! };
  expect((await ctx.request.post('/api/auth/sign-up', { headers, data: { email, name: 'Fern', password: `old-${id}-password` } })).status()).toBe(201);
  // Another browser stays signed in until the reset.
  expect((await ctx.request.get('/api/me')).status()).toBe(200);

  const anon = await browser.newContext({ baseURL });
  const page = await anon.newPage();
  await page.goto('/sign-in');
  await waitForHydration(page);
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expect(page.getByTestId('no-email')).toHaveCount(0);
  await waitForHydration(page);
  await expectNoSeriousA11yViolations(page, 'forgot password');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByRole('status')).toContainText('If an account has this address');
  await shot(page, 'forgot-sent');

  const mail = await mailTo(page.request, email, '/reset-password');
  expect(mail.subject).toContain('Reset your Release Coordinator password');
  expect(mail.html).toContain('Choose a new password');
  await page.goto(linkIn(mail, '/reset-password'));
  await waitForHydration(page);
  await expectNoSeriousA11yViolations(page, 'reset password');
  await page.getByLabel('New password (at least 10 characters)').fill('short');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.locator('#field-new_password-error')).toContainText('at least 10');
  await page.getByLabel('New password (at least 10 characters)').fill(`new-${id}-password`);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page).toHaveURL(/\/sign-in\?reset=1$/);
  await expect(page.getByRole('status')).toContainText('Your password was changed');
  expect((await ctx.request.get('/api/me')).status(), 'the other session ended').toBe(401);

  await waitForHydration(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(`new-${id}-password`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/select-team$/);
  await anon.close();
  await ctx.close();
});

test('sign in with Test IdP: a new account, its identity on the profile', async ({ browser, baseURL }) => {
  const id = uid();
  const ctx = await browser.newContext({ baseURL });
  const page = await ctx.newPage();
  await page.goto('/sign-in');
  await waitForHydration(page);
  await shot(page, 'sign-in-with-sso');
  await page.getByRole('link', { name: 'Sign in with Test IdP' }).click();
  await expect(page.getByRole('heading', { name: 'Test IdP' })).toBeVisible();
  await page.getByLabel('Email').fill(`sso-${id}@idp.example`);
  await page.getByLabel('Name').fill('Sam SSO');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/select-team$/);
  await waitForHydration(page);
  await page.getByLabel('Team name').fill('SSO team');
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(page).toHaveURL(/\/board$/);

  await page.goto('/settings/profile');
  await waitForHydration(page);
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(`sso-${id}@idp.example`);
  await expect(page.getByTestId('verified')).toBeVisible();
  const identities = page.getByTestId('identities');
  await expect(identities).toContainText('Test IdP');
  await expect(identities).toContainText(`sso-${id}@idp.example`);
  await expect(page.getByTestId('security-log')).toContainText('Single sign-on linked');
  await shot(page, 'profile-sso');
  // Its only way in: unlinking is refused, with the reason.
  await identities.getByRole('button', { name: 'Unlink Test IdP' }).click();
  // (Said beside the list, and in a toast.)
  await expect(page.getByRole('region', { name: 'Single sign-on' }).getByRole('alert')).toContainText('only way to sign in');
  await expectNoSeriousA11yViolations(page, 'profile with single sign-on');
  await ctx.close();
});

test('a session signed out from the profile ends in its browser', async ({ browser, baseURL }) => {
  const id = uid();
  const email = `two-${id}@example.com`;
  const password = `pw-${id}-secret`;
  const headers = { origin: baseURL! };
  const first = await browser.newContext({ baseURL });
  expect((await first.request.post('/api/auth/sign-up', { headers, data: { email, name: 'Tess', password } })).status()).toBe(201);
  expect((await first.request.post('/api/teams', { headers, data: { name: 'Two browsers' } })).status()).toBe(201);
  const second = await browser.newContext({ baseURL });
  expect((await second.request.post('/api/auth/sign-in', { headers, data: { email, password } })).status()).toBe(200);
  const other = await second.newPage();
  await other.goto('/board');
  await expect(other).toHaveURL(/\/board$/);

  const page = await first.newPage();
  await page.goto('/settings/profile');
  await waitForHydration(page);
  const sessions = page.getByTestId('sessions');
  await expect(sessions.getByRole('listitem')).toHaveCount(2);
  await expect(sessions.getByText('This browser')).toHaveCount(1);
  await sessions.getByRole('button', { name: /^Sign out / }).click();
  await expect(sessions.getByRole('listitem')).toHaveCount(1);
  await expect(page.getByTestId('security-log')).toContainText('Session signed out');
  await shot(page, 'profile-sessions');

  await other.reload();
  await expect(other).toHaveURL(/\/sign-in/);
  await first.close();
  await second.close();
});
