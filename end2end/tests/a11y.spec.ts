import { test, expect } from '@playwright/test';
import { waitForHydration, expectNoSeriousA11yViolations, ownerWithTeam } from './helpers';

// axe-core on every team page, in both themes, with real content on them.
for (const scheme of ['light', 'dark'] as const) {
  test(`team pages have no serious accessibility violations (${scheme}, needs JavaScript)`, async ({ browser, baseURL }) => {
    // Twenty-four pages, each hydrated and scanned: about two minutes on two
    // busy cores (1.8 min measured), so the limit leaves room.
    test.setTimeout(300_000);
    const headers = { origin: baseURL! };
    const ctx = await browser.newContext({ baseURL, colorScheme: scheme });
    const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    expect((await ctx.request.post('/api/auth/sign-up', { headers, data: { email: `a11y-${id}@example.com`, name: 'Ada', password: `pw-${id}-secret` } })).status()).toBe(201);
    await ctx.request.post('/api/teams', { headers, data: { name: 'Accessible' } });
    const svc = await (await ctx.request.post('/api/services', { headers, data: { name: 'Payments', githubRepo: 'acme/pay' } })).json();
    const rel = await (await ctx.request.post('/api/releases', { headers, data: { serviceId: svc.id, title: 'Checkout', version: '2.4.0', priority: 'CRITICAL', targetDate: '2020-01-01' } })).json();
    for (const s of ['IN_DEVELOPMENT', 'IN_REVIEW', 'READY_STAGING']) await ctx.request.patch(`/api/releases/${rel.id}`, { headers, data: { status: s } });
    await ctx.request.patch(`/api/releases/${rel.id}`, { headers, data: { isBlocked: true, blockedReason: 'legal' } });
    await ctx.request.post(`/api/releases/${rel.id}/comments`, { headers, data: { body: 'Looks **good**, see [the doc](https://example.com).' } });
    const other = await (await ctx.request.post('/api/releases', { headers, data: { serviceId: svc.id, title: 'Ledger', version: '1.0.0', targetDate: new Date().toISOString().slice(0, 10) } })).json();
    await ctx.request.post(`/api/releases/${rel.id}/dependencies`, { headers, data: { dependsOnId: other.id, type: 'BLOCKS' } });
    const today = new Date().toISOString().slice(0, 10);
    const sprint = await (await ctx.request.post('/api/sprints', { headers, data: { name: 'Sprint 1', startDate: today, endDate: today, status: 'ACTIVE' } })).json();
    await ctx.request.patch(`/api/releases/${rel.id}`, { headers, data: { sprintId: sprint.id } });
    const group = await (await ctx.request.post('/api/deployment-groups', { headers, data: { name: 'Train', targetDate: today } })).json();
    for (const r of [rel.id, other.id]) await ctx.request.post(`/api/deployment-groups/${group.id}/releases`, { headers, data: { releaseId: r } });
    // Automation: a token, a CI report (the blocked release cannot follow:
    // drift), a webhook with a delivery.
    const token = await (await ctx.request.post('/api/team/api-tokens', { headers, data: { name: 'CI deploy', role: 'MEMBER' } })).json();
    const ci = { authorization: `Bearer ${token.token}` };
    await ctx.request.post('/api/deployments', { headers: ci, data: { service: svc.slug, version: '2.4.0', environment: 'STAGING', status: 'SUCCEEDED', commitSha: 'abcdef1', url: 'https://ci.example/1' } });
    await ctx.request.post('/api/deployments', { headers: ci, data: { service: svc.slug, version: '2.4.0', environment: 'PRODUCTION', status: 'SUCCEEDED' } });
    const hook = await (await ctx.request.post('/api/team/webhooks', { headers, data: { url: `http://127.0.0.1:${process.env.FAKE_GITHUB_PORT}/receiver/a11y`, events: ['*'] } })).json();
    await ctx.request.post(`/api/team/webhooks/${hook.id}/test`, { headers });
    const page = await ctx.newPage();
    const cspViolations: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`); });
    for (const path of ['/board', `/releases/${rel.id}`, '/releases', '/services', '/activity', '/deploy-queue', '/blocked', '/settings/members', '/settings/profile', '/select-team',
      '/settings/team', '/settings/api-tokens', '/settings/webhooks', '/settings/policy', '/dashboard', '/sprints', `/sprints/${sprint.id}`, '/deployment-groups', `/deployment-groups/${group.id}`, '/calendar']) {
      await page.goto(path);
      await waitForHydration(page);
      await expectNoSeriousA11yViolations(page, `${path} (${scheme})`);
      if (process.env.E2E_SHOTS) {
        await page.screenshot({ path: `${process.env.E2E_SHOTS}/${scheme}${path.replace(/\//g, '-')}.png`, fullPage: true });
        await page.setViewportSize({ width: 390, height: 844 });
        await page.screenshot({ path: `${process.env.E2E_SHOTS}/narrow-${scheme}${path.replace(/\//g, '-')}.png`, fullPage: true });
        await page.setViewportSize({ width: 1280, height: 720 });
      }
    }
    expect(cspViolations, 'every page hydrates under the Content-Security-Policy').toEqual([]);
    // The public pages a newcomer meets first: signed out, with an invitation.
    const inv = await (await ctx.request.post('/api/team/invitations', { headers, data: { email: `new-${id}@example.com`, role: 'MEMBER' } })).json();
    const guest = await browser.newContext({ baseURL, colorScheme: scheme });
    const gp = await guest.newPage();
    for (const path of ['/sign-in', '/sign-up', `/invite/${inv.token}`, '/forgot-password']) {
      await gp.goto(path);
      await waitForHydration(gp);
      await expectNoSeriousA11yViolations(gp, `${path} (${scheme})`);
      if (process.env.E2E_SHOTS) await gp.screenshot({ path: `${process.env.E2E_SHOTS}/${scheme}-public${path.split('/').slice(0, 2).join('-')}.png`, fullPage: true });
    }
    await guest.close();
    await ctx.close();
  });
}

// Lighthouse-style bars for the board: the server's HTML is the layout
// (hydration moves nothing), and every control is a Tab stop that shows
// where focus is.
test('the board does not shift when it hydrates, and every control is reachable by Tab with a visible focus ring (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Quality team');
  for (const [title, v] of [['Checkout', '1.0.0'], ['Ledger', '2.0.0'], ['Search', '3.1.0']]) await t.release(title, v);
  const moved = await t.release('Moved', '0.9.0');
  await t.walk(moved.id, ['IN_DEVELOPMENT']);
  const page = await t.ctx.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { __shifts: { value: number; at: number; input: boolean }[] };
    w.__shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { value: number; startTime: number; hadRecentInput: boolean }[]) {
        w.__shifts.push({ value: e.value, at: e.startTime, input: e.hadRecentInput });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto('/board');
  await waitForHydration(page);
  const hydratedAt = await page.evaluate(() => performance.now());
  await page.waitForTimeout(1000);
  const shifts = await page.evaluate(() => (window as unknown as { __shifts: { value: number; at: number; input: boolean }[] }).__shifts);
  const total = shifts.filter((s) => !s.input).reduce((a, s) => a + s.value, 0);
  const after = shifts.filter((s) => !s.input && s.at >= hydratedAt).reduce((a, s) => a + s.value, 0);
  expect(total, 'cumulative layout shift (Lighthouse: good is < 0.1)').toBeLessThan(0.1);
  expect(after, 'layout shift after hydration').toBeLessThan(0.001);

  // Tab through the page: each stop has a visible focus indicator, and every
  // visible control in the Tab order is reached.
  const controls = await page.evaluate(() => {
    const sel = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
    const all = Array.from(document.querySelectorAll<HTMLElement>(sel)).filter((e) => e.tabIndex >= 0 && e.checkVisibility({ visibilityProperty: true }) && !e.closest('dialog:not([open]), [inert]'));
    all.forEach((e, i) => { e.setAttribute('data-stop', String(i)); e.setAttribute('data-shadow', getComputedStyle(e).boxShadow); });
    return all.map((e) => `${e.tagName.toLowerCase()} "${(e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40)}"`);
  });
  expect(controls.length).toBeGreaterThan(10);
  const reached = new Set<string>();
  const unringed: string[] = [];
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let i = 0; i < controls.length + 20 && reached.size < controls.length; i++) {
    await page.keyboard.press('Tab');
    const r = await page.evaluate(() => {
      const e = document.activeElement as HTMLElement | null;
      if (!e || e === document.body) return null;
      const s = getComputedStyle(e);
      // An outline, or a ring (a box shadow it does not have unfocused).
      const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow !== 'none' && s.boxShadow !== e.getAttribute('data-shadow'));
      return { stop: e.getAttribute('data-stop'), ring, name: `${e.tagName.toLowerCase()} "${(e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40)}"` };
    });
    if (!r) continue;
    if (r.stop !== null) reached.add(r.stop);
    if (!r.ring) unringed.push(r.name);
  }
  const missed = controls.filter((_, i) => !reached.has(String(i)));
  expect(missed, 'controls Tab never reaches').toEqual([]);
  expect(unringed, 'focused without a visible focus ring').toEqual([]);
  await t.ctx.close();
});
