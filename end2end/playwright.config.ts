// Browser tests against the real server, in Debian's Chromium.
//
// Playwright starts the debug server build (make build-debug) on its own port
// with a fresh SQLite database, waits until /api/health answers, runs the
// specs, and always stops the server. The base URL comes from RC_E2E_BASE_URL
// when set (then no server is started: point it at one you run yourself).
import { defineConfig } from '@playwright/test';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const port = Number(process.env.RC_E2E_PORT ?? 3310);
const external = process.env.RC_E2E_BASE_URL;
const baseURL = external ?? `http://127.0.0.1:${port}`;
const runDir = path.join(root, 'target', 'e2e', `run-${Date.now()}`);
// Local fakes of GitHub and Atlassian (end2end/fake-providers.mjs).
const fakeGithubPort = Number(process.env.FAKE_GITHUB_PORT ?? port + 1);
const fakeGithub = `http://127.0.0.1:${fakeGithubPort}`;
// Its mail server (SMTP) and where the specs read what it received.
const fakeSmtpPort = Number(process.env.FAKE_SMTP_PORT ?? port + 2);

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: path.join(root, 'target', 'e2e', 'report') }]],
  outputDir: path.join(root, 'target', 'e2e', 'results'),
  use: {
    baseURL,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: external
    ? undefined
    : [{
        command: `node ${path.join(__dirname, 'fake-providers.mjs')}`,
        url: `${fakeGithub}/health`,
        reuseExistingServer: false,
        timeout: 10_000,
        env: { ...process.env, FAKE_GITHUB_PORT: String(fakeGithubPort), FAKE_SMTP_PORT: String(fakeSmtpPort) },
      }, {
        command: `${path.join(root, 'target', 'debug', 'release-coordinator')}`,
        cwd: root,
        url: `${baseURL}/api/health`,
        reuseExistingServer: false,
        timeout: 60_000,
        stdout: 'ignore',
        stderr: 'pipe',
        gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
        env: {
          ...process.env,
          DATABASE_URL: `sqlite://${path.join(runDir, 'e2e.db')}?mode=rwc`,
          RC_DATA_DIR: runDir,
          LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
          LEPTOS_SITE_ROOT: path.join(root, 'target', 'site'),
          PUBLIC_URL: baseURL,
          RC_ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
          RUST_LOG: process.env.RUST_LOG ?? 'warn',
          GITHUB_CLIENT_ID: 'e2e-client',
          GITHUB_CLIENT_SECRET: 'e2e-secret',
          GITHUB_OAUTH_BASE: fakeGithub,
          GITHUB_API_BASE: fakeGithub,
          JIRA_CLIENT_ID: 'e2e-jira-client',
          JIRA_CLIENT_SECRET: 'e2e-jira-secret',
          ATLASSIAN_AUTH_BASE: `${fakeGithub}/atl-auth`,
          ATLASSIAN_API_BASE: `${fakeGithub}/atl-api`,
          // The local webhook receiver is on 127.0.0.1.
          RC_OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
          RC_OUTBOX_POLL_MS: '200',
          RC_OUTBOX_RETRY_BASE_MS: '200',
          // Email through the fake's SMTP server; single sign-on with its provider.
          RC_SMTP_URL: `smtp://127.0.0.1:${fakeSmtpPort}`,
          RC_MAIL_FROM: 'Release Coordinator <rc@e2e.example>',
          RC_EMAILS_PER_HOUR: '50',
          RC_OIDC_TESTIDP_ISSUER: `${fakeGithub}/idp`,
          RC_OIDC_TESTIDP_CLIENT_ID: 'e2e-oidc-client',
          RC_OIDC_TESTIDP_CLIENT_SECRET: 'e2e-oidc-secret',
          RC_OIDC_TESTIDP_NAME: 'Test IdP',
        },
      }],
});
