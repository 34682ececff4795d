// Code splitting (`src/ui/lazy.rs`, `cargo leptos build --split`): the board
// loads only the main WebAssembly module; another page's code is fetched the
// first time it is opened, by client-side navigation or directly, and the
// page then works as before.
import { test, expect, type Page } from '@playwright/test';
import { ownerWithTeam, waitForHydration } from './helpers';

function wasmFetched(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.endsWith('.wasm')) urls.push(u.pathname.split('/').pop()!);
  });
  return urls;
}

test('the board loads the main module only; the dashboard fetches its own part when opened (needs JavaScript)', async ({ browser, baseURL }) => {
  const t = await ownerWithTeam(browser, baseURL!, 'Split team');
  await t.release('Checkout v2', '2.4.0');
  const page = await t.ctx.newPage();
  const wasm = wasmFetched(page);
  await page.goto('/board');
  await waitForHydration(page);
  await expect(page.getByRole('list', { name: /^Planning, 1 release/ })).toContainText('Checkout v2');
  expect(wasm.filter((f) => f.startsWith('release_coordinator.'))).toHaveLength(1);
  expect(wasm.filter((f) => f.startsWith('split_')), 'no page part before it is needed').toEqual([]);

  // Client-side navigation to a lazy page fetches its part, then renders it.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
  expect(wasm.some((f) => f.startsWith('split___dashboard_route_view'))).toBe(true);
  expect(wasm.some((f) => f.startsWith('split___calendar_route_view')), 'only the page opened').toBe(false);

  // Opened directly, a lazy page's part comes with the first load and the
  // page hydrates (its forms are exercised in releases.spec.ts).
  const direct = await t.ctx.newPage();
  const wasm2 = wasmFetched(direct);
  await direct.goto('/services');
  await waitForHydration(direct);
  expect(wasm2.some((f) => f.startsWith('split___services_route_view'))).toBe(true);
  expect(wasm2.some((f) => f.startsWith('split___board')), 'the board is in the main module').toBe(false);
});
