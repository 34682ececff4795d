import { test, expect } from '@playwright/test';
import { waitForHydration, expectNoSeriousA11yViolations } from './helpers';

test.describe('landing page without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('renders on the server, controls disabled until hydration', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Plan, track and ship');
    await expect(page.getByRole('link', { name: 'Create your team' })).toBeVisible();
    // The lifecycle explorer is there, showing its default, but inert.
    await expect(page.getByTestId('allowed-moves')).toContainText('From In review a release can move to:');
    await expect(page.getByRole('button', { name: 'Deployed' })).toBeDisabled();
  });
});

test.describe('landing page (needs JavaScript)', () => {
  test('hydrates: the lifecycle explorer answers from the shared state machine', async ({ page }) => {
    await page.goto('/');
    await waitForHydration(page);
    const deployed = page.getByRole('button', { name: 'Deployed' });
    await expect(deployed).toBeEnabled();
    await deployed.click();
    await expect(deployed).toHaveAttribute('aria-pressed', 'true');
    const moves = page.getByTestId('allowed-moves');
    await expect(moves).toContainText('From Deployed a release can move to:');
    await expect(moves.getByRole('listitem')).toHaveText(['Rolled back']);

    await page.getByRole('button', { name: 'Planning' }).click();
    await expect(moves.getByRole('listitem')).toHaveText(['In development', 'Cancelled']);
  });

  test('the dark-mode toggle follows the system, then persists across a reload', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto('/');
    await waitForHydration(page);
    const html = page.locator('html');
    await expect(html).toHaveClass(/(^|\s)dark(\s|$)/); // follows the system

    await page.getByRole('button', { name: 'Toggle dark mode' }).click();
    await expect(html).not.toHaveClass(/(^|\s)dark(\s|$)/);
    await page.reload();
    await expect(html).not.toHaveClass(/(^|\s)dark(\s|$)/); // the choice beats the system

    await waitForHydration(page);
    await page.getByRole('button', { name: 'Toggle dark mode' }).click();
    await expect(html).toHaveClass(/(^|\s)dark(\s|$)/);
    await page.reload();
    await expect(html).toHaveClass(/(^|\s)dark(\s|$)/);
    // The server itself renders the chosen theme (no flash, works without JS).
    const served = await (await page.request.get('/')).text();
    expect(served).toMatch(/<html[^>]*class="dark"/);
  });

  for (const scheme of ['light', 'dark'] as const) {
    test(`has no serious accessibility violations (${scheme})`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto('/');
      await waitForHydration(page);
      await expectNoSeriousA11yViolations(page, `landing (${scheme})`);
    });
  }
});
