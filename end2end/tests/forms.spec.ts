import { test, expect } from '@playwright/test';
import { ownerWithTeam, uid, waitForHydration } from './helpers';

// A refused form says what is wrong beside the field at fault, moves focus
// there, and keeps what was typed.

test('a refused sign-up shows the error beside the password and focuses it (needs JavaScript)', async ({ page }) => {
  const id = uid();
  await page.goto('/sign-up');
  await waitForHydration(page);
  await page.getByLabel('Name').fill('Short Pass');
  await page.getByLabel('Email').fill(`short-${id}@example.com`);
  await page.getByLabel('Password (at least 10 characters)').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  const message = page.locator('#field-password-error');
  await expect(message).toHaveText('password must be at least 10 characters');
  const password = page.getByLabel('Password (at least 10 characters)');
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  await expect(password).toHaveAttribute('aria-describedby', 'field-password-error');
  await expect(password).toBeFocused();
  await expect(page.getByLabel('Email')).toHaveValue(`short-${id}@example.com`);
  await expect(page.getByLabel('Name')).toHaveAttribute('aria-invalid', 'false');
});

test('a refused release shows the error beside its version and keeps the title (needs JavaScript)', async ({ browser, baseURL }) => {
  const { ctx } = await ownerWithTeam(browser, baseURL!, 'Forms team');
  const page = await ctx.newPage();
  await page.goto('/releases');
  await waitForHydration(page);
  await page.getByLabel('Title', { exact: true }).fill('Faster card tokenisation');
  await page.getByLabel('Version').fill('9'.repeat(101));
  await page.getByRole('button', { name: 'Create release' }).click();
  const version = page.getByLabel('Version');
  await expect(page.locator('#field-version-error')).toHaveText('version must be at most 100 characters');
  await expect(version).toHaveAttribute('aria-invalid', 'true');
  await expect(version).toBeFocused();
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('Faster card tokenisation');
  await expect(page).toHaveURL(/\/releases$/);
  // Fixed, it goes through.
  await version.fill('1.2.3');
  await page.getByRole('button', { name: 'Create release' }).click();
  await expect(page).toHaveURL(/\/releases\/[0-9a-f]{32}$/);
  await ctx.close();
});
