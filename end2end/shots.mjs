// Ad-hoc screenshots for a visual review (not part of the suite).
import { chromium } from '@playwright/test';
const base = 'http://127.0.0.1:3200';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const scheme of ['light', 'dark']) {
  const ctx = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(base + '/');
  await page.screenshot({ path: `/tmp/shots/landing-${scheme}.png`, fullPage: true });
  await page.goto(base + '/sign-up');
  await page.waitForSelector('body[data-hydrated="true"]');
  const id = Math.random().toString(36).slice(2, 8);
  await page.getByLabel('Name').fill('Ada Lovelace');
  await page.getByLabel('Email').fill(`ada-${id}@example.com`);
  await page.getByLabel('Password (at least 10 characters)').fill('a long password');
  await page.screenshot({ path: `/tmp/shots/signup-${scheme}.png` });
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/select-team/);
  await page.screenshot({ path: `/tmp/shots/select-${scheme}.png` });
  await page.getByLabel('Team name').fill('Payments');
  await page.getByRole('button', { name: 'Create team' }).click();
  await page.waitForURL(/board/);
  await page.screenshot({ path: `/tmp/shots/board-${scheme}.png` });
  await page.goto(base + '/settings/members');
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.getByLabel('Email').fill('bob@example.com');
  await page.getByRole('button', { name: 'Create invitation' }).click();
  await page.getByTestId('invite-link').waitFor();
  await page.screenshot({ path: `/tmp/shots/members-${scheme}.png`, fullPage: true });
  await ctx.close();
}
await browser.close();
