import { test, expect, type Page } from '@playwright/test';
import { ownerWithTeam, waitForHydration } from './helpers';

// Every page runs under a Content-Security-Policy whose script-src is a fresh
// nonce (no 'unsafe-inline'): the app's own scripts hydrate, anything
// injected into the page does not run.

/** Collects the page's CSP violations (console and DOM events). */
function watchViolations(page: Page) {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(`${page.url()}: ${m.text()}`);
  });
  return seen;
}

test('public pages hydrate under the policy (needs JavaScript)', async ({ page }) => {
  const seen = watchViolations(page);
  for (const path of ['/', '/sign-in', '/sign-up']) {
    const res = await page.goto(path);
    const csp = res!.headers()['content-security-policy'];
    expect(csp, path).toContain("script-src 'nonce-");
    expect(csp, path).not.toContain("'unsafe-inline' 'strict");
    await waitForHydration(page);
  }
  expect(seen).toEqual([]);
});

test('team pages hydrate under the policy and injected markup cannot run (needs JavaScript)', async ({ browser, baseURL }) => {
  const o = await ownerWithTeam(browser, baseURL!, 'Policy team');
  const rel = await o.release('</textarea><img src=x onerror="window.__pwned=1">', '1.0.0');
  await o.api.post(`/api/releases/${rel.id}/comments`, { body: '</textarea><img src=x onerror="window.__pwned=2">' });
  const page = await o.ctx.newPage();
  const seen = watchViolations(page);
  for (const path of ['/board', '/releases', `/releases/${rel.id}`, '/activity', '/dashboard', '/settings/team']) {
    await page.goto(path);
    await waitForHydration(page);
  }
  expect(seen, 'the app itself never trips the policy').toEqual([]);
  // Markup that made it into the DOM some other way still cannot run script.
  await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<img src="data:," onerror="window.__pwned=3">'));
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  // The hostile title is shown as text.
  await page.goto(`/releases/${rel.id}`);
  await waitForHydration(page);
  await expect(page.getByTestId('release-title')).toContainText('</textarea><img src=x onerror=');
  await o.ctx.close();
});
