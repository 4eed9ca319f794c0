// Browser tests of the web UI: Debian's chromium (no browser download), one worker (a
// 2-core machine also runs the server), each journey against its own fresh
// `parix serve` with the demo data (tests/fixtures.ts).
import { defineConfig } from '@playwright/test'

export default defineConfig({
  testDir: './tests',
  timeout: 15 * 60 * 1000,
  expect: { timeout: 20_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: process.env.PARIX_WEB_RESULTS ?? 'test-results',
  use: {
    ignoreHTTPSErrors: true,  // parix init's self-signed certificate
    viewport: { width: 1366, height: 768 },
    locale: 'vi-VN',
    timezoneId: 'Europe/Paris',  // not the campaign's zone: times must not shift
    actionTimeout: 20_000,
    navigationTimeout: 30_000,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
})
