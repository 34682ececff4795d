// Shared helpers for the browser specs.
import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/** Waits until the page is hydrated: the app marks <body> once its first effect ran. */
export async function waitForHydration(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

/** Runs axe-core and fails on serious or critical violations. */
export async function expectNoSeriousA11yViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary, `accessibility violations on ${label}`).toEqual([]);
}

/** A unique suffix for emails and names. */
export function uid() {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * A signed-up owner with a team and one service, in a fresh browser context;
 * `api` posts JSON with the Origin header the CSRF check wants.
 */
export async function ownerWithTeam(browser: Browser, baseURL: string, team = 'Board team') {
  const id = uid();
  const ctx = await browser.newContext({ baseURL });
  const headers = { origin: baseURL };
  const api = {
    post: async (path: string, data?: unknown) => ctx.request.post(path, { headers, data }),
    patch: async (path: string, data: unknown) => ctx.request.patch(path, { headers, data }),
    get: async (path: string) => ctx.request.get(path),
  };
  expect((await api.post('/api/auth/sign-up', { email: `owner-${id}@example.com`, name: 'Ada', password: `pw-${id}-secret` })).status()).toBe(201);
  expect((await api.post('/api/teams', { name: team })).status()).toBe(201);
  const svc = await (await api.post('/api/services', { name: 'Payments' })).json();
  const release = async (title: string, version: string, extra: Record<string, unknown> = {}) => {
    const res = await api.post('/api/releases', { serviceId: svc.id, title, version, ...extra });
    expect(res.status()).toBe(201);
    return res.json();
  };
  /** Walks a release along the main flow to `status`. */
  const walk = async (releaseId: string, statuses: string[]) => {
    for (const s of statuses) {
      const res = await api.patch(`/api/releases/${releaseId}`, { status: s });
      expect(res.status(), `move to ${s}`).toBe(200);
    }
  };
  return { id, ctx, api, svc, release, walk, email: `owner-${id}@example.com` };
}

/** The fake providers' address (end2end/fake-providers.mjs): mail, IdP, GitHub, Atlassian. */
export const fakeBase = `http://127.0.0.1:${Number(process.env.FAKE_GITHUB_PORT ?? Number(process.env.RC_E2E_PORT ?? 3310) + 1)}`;

export type Mail = { to: string[]; subject: string; text: string; html: string };

/** Waits until `email` has received a message whose text has `path`; answers the newest. */
export async function mailTo(request: APIRequestContext, email: string, path: string, after = 0): Promise<Mail> {
  let found: Mail[] = [];
  await expect.poll(async () => {
    const all: Mail[] = await (await request.get(`${fakeBase}/mail?to=${encodeURIComponent(email)}`)).json();
    found = all.filter((m) => m.text.includes(path)).slice(after);
    return found.length;
  }, { message: `a mail with ${path} to ${email}`, timeout: 15_000 }).toBeGreaterThan(0);
  return found[found.length - 1];
}

/** The first link in a mail's text that contains `path`. */
export function linkIn(mail: Mail, path: string): string {
  const link = mail.text.split(/\s+/).find((w) => w.startsWith('http') && w.includes(path));
  expect(link, `a ${path} link in: ${mail.text}`).toBeTruthy();
  return link!;
}

/** Verifies `email` through the link the server sent it (the API way). */
export async function verifyEmail(request: APIRequestContext, baseURL: string, email: string) {
  const mail = await mailTo(request, email, '/verify-email');
  const token = new URL(linkIn(mail, '/verify-email')).searchParams.get('token');
  const res = await request.post('/api/auth/verify-email', { headers: { origin: baseURL }, data: { token } });
  expect(res.status(), 'verify email').toBe(204);
}
