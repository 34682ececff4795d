import { test, expect } from '@playwright/test';
import SwaggerParser from '@apidevtools/swagger-parser';
import { expectNoSeriousA11yViolations } from './helpers';

// The OpenAPI document is valid OpenAPI 3.1 (checked by swagger-parser
// against the specification's own schema), and /api/docs is a page people
// can read: public, no script, nothing from elsewhere, accessible.

test('the OpenAPI document is valid OpenAPI 3.1 and needs no credential', async ({ request }) => {
  const res = await request.get('/api/openapi.json');
  expect(res.status()).toBe(200);
  const doc = await res.json();
  expect(doc.openapi).toMatch(/^3\.1\./);
  // validate() throws with every problem it finds; it changes what it is given.
  const api = await SwaggerParser.validate(structuredClone(doc));
  expect(api.info.title).toBe('Release Coordinator API');
  expect(Object.keys(doc.paths)).toContain('/api/releases/{id}');
  expect(Object.keys(doc.paths).every((p) => p.startsWith('/api/'))).toBe(true);
});

test('/api/docs is a readable page of the document, served by the app alone', async ({ page }) => {
  test.setTimeout(180_000); // axe reads a long page (every operation and schema), slowly beside another worker
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  const violations: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') violations.push(m.text()); });
  const res = await page.goto('/api/docs');
  expect(res!.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1, name: 'Release Coordinator API' })).toBeVisible();
  // The table of contents leads to each operation.
  const nav = page.getByRole('navigation', { name: 'Operations' });
  await nav.getByRole('link', { name: 'POST /api/deployments' }).click();
  await expect(page).toHaveURL(/#op-post-api-deployments$/);
  const op = page.locator('#op-post-api-deployments');
  await expect(op).toBeInViewport();
  await expect(op).toContainText('A session or an API token');
  await expect(op.getByRole('link', { name: 'NewReport' })).toBeVisible();
  await expect(op.getByRole('link', { name: 'DeploymentReport' }).first()).toBeVisible();
  // A person's own route says tokens are refused; a public one needs nothing.
  await expect(page.locator('#op-post-api-team-api-tokens')).toContainText('API tokens are refused');
  await expect(page.locator('#op-get-api-health')).toContainText('Public: no credential.');
  if (process.env.E2E_SHOTS) await page.screenshot({ path: `${process.env.E2E_SHOTS}/api-docs.png` });
  const origin = new URL(page.url()).origin;
  expect(requested.filter((u) => !u.startsWith(origin))).toEqual([]);
  expect(violations).toEqual([]);
  await expectNoSeriousA11yViolations(page, '/api/docs');
});
