// A real parix per test: `parix init` + `parix demo` into a fresh folder, the built UI
// as [web] root, `parix serve --port 0`; and the helpers every journey uses: sign in,
// and `screen()` which checks a screen (axe-core: no serious or critical violation; no
// horizontal scroll at 1366×768 nor at 390×844) and keeps full-page screenshots of it.
import { test as base, expect, type Page, type TestInfo } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const password = 'ChiSoCCHC-2024'
const here = dirname(fileURLToPath(import.meta.url))
const binary = process.env.PARIX_BINARY ?? resolve(here, '../../build/parix')
const webRoot = resolve(here, '../dist')
const screensRoot = process.env.PARIX_SCREENSHOTS ?? resolve(here, '../test-results/screens')

export interface Parix { url: string; data: string }

async function startParix(extraConfig: string): Promise<{ server: Parix; proc: ChildProcess }> {
  const data = mkdtempSync(join(tmpdir(), 'parix-web-'))
  const env = { ...process.env, PARIX_ADMIN_PASSWORD: password, PARIX_DEMO_PASSWORD: password }
  for (const cmd of ['init', 'demo']) {
    const r = spawnSync(binary, [cmd, '--data', data], { env, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`${binary} ${cmd}: ${r.error ?? ''} ${r.stderr}${r.stdout}`)
  }
  appendFileSync(join(data, 'parix.toml'), `\n[web]\nroot = "${webRoot}"\n${extraConfig}\n`)
  const proc = spawn(binary, ['serve', '--data', data, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  const url = await new Promise<string>((ok, fail) => {
    let out = ''
    const timer = setTimeout(() => fail(new Error('parix did not start: ' + out)), 60_000)
    proc.stdout!.on('data', (b) => {
      out += String(b)
      const m = /serving at (https:\/\/[\d.]+:\d+)\//.exec(out)
      if (m) { clearTimeout(timer); ok(m[1]) }
    })
    proc.stderr!.on('data', (b) => { out += String(b) })
    proc.on('exit', (code) => { clearTimeout(timer); fail(new Error(`parix exited ${code}: ${out}`)) })
  })
  return { server: { url, data }, proc }
}

type Fixtures = { parix: Parix; parixConfig: string; look: (page: Page, name: string) => Promise<void> }

export const test = base.extend<Fixtures>({
  parixConfig: ['', { option: true }],
  parix: async ({ parixConfig }, use) => {
    const { server, proc } = await startParix(parixConfig)
    await use(server)
    proc.kill('SIGTERM')
    await new Promise((r) => proc.once('exit', r))
    rmSync(server.data, { recursive: true, force: true })
  },
  baseURL: async ({ parix }, use) => use(parix.url),
  look: async ({}, use, info) => {
    let n = 0
    await use(async (page, name) => check(page, name, ++n, info))
  },
})
export { expect }

async function check(page: Page, name: string, n: number, info: TestInfo) {
  await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {})
  await expect(page.getByText(/Đang tải…|Loading…/)).toHaveCount(0)
  const dir = join(screensRoot, info.title.replace(/[^\w-]+/g, '_'))
  mkdirSync(dir, { recursive: true })
  const file = `${String(n).padStart(2, '0')}-${name}`
  const axe = await new AxeBuilder({ page }).analyze()
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((x) => x.target.join(' ')).join(', ')})`), `axe on ${name}`).toEqual([])
  expect(await horizontalOverflow(page), `no horizontal scroll at 1366×768 on ${name}`).toBe(false)
  await page.screenshot({ path: join(dir, `${file}-1366.png`), fullPage: true })
  const size = page.viewportSize()!
  await page.setViewportSize({ width: 390, height: 844 })
  await page.waitForTimeout(100)
  expect(await horizontalOverflow(page), `no horizontal scroll at 390×844 on ${name}`).toBe(false)
  const phone = await new AxeBuilder({ page }).analyze()
  expect(phone.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id), `axe (phone) on ${name}`).toEqual([])
  await page.screenshot({ path: join(dir, `${file}-390.png`), fullPage: true })
  await page.setViewportSize(size)
}

const horizontalOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1)

export async function signIn(page: Page, username: string, to = '/') {
  await page.goto(to)
  await page.getByLabel(/Tên đăng nhập|Username/).fill(username)
  await page.getByLabel(/^(Mật khẩu|Password)$/).fill(password)
  await page.getByRole('button', { name: /^(Đăng nhập|Sign in)$/ }).click()
  await expect(page.getByRole('button', { name: /Đăng xuất|Sign out/ })).toBeVisible()
}

// Direct API calls for set-up steps that are not the journey's subject, with the
// page's own cookie session (Origin set as the browser would).
export async function apiAs(page: Page, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const origin = new URL(page.url()).origin
  const r = await page.request.fetch(path, {
    method, data: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', Origin: origin, ...headers },
  })
  return { status: r.status(), json: await r.json().catch(() => null), etag: r.headers()['etag'] }
}
