// Files and steps the journeys share.
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, type Page } from '@playwright/test'
import { apiAs } from './fixtures'

// A real (if plain) PDF of about `bytes` bytes: the server decides the kind by content.
export function pdfFile(name: string, bytes = 2000): { path: string; sha256: string } {
  const dir = join(tmpdir(), 'parix-web-files')
  mkdirSync(dir, { recursive: true })
  const head = '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n'
  const tail = '\ntrailer << /Root 1 0 R >>\n%%EOF\n'
  const body = Buffer.alloc(Math.max(0, bytes - head.length - tail.length), '%')
  for (let i = 0; i < body.length; i += 64) body[i] = 10  // comment lines
  const data = Buffer.concat([Buffer.from(head), body, Buffer.from(tail)])
  const path = join(dir, name)
  writeFileSync(path, data)
  return { path, sha256: createHash('sha256').update(data).digest('hex') }
}

export function textFile(name: string, text: string) {
  const dir = join(tmpdir(), 'parix-web-files')
  mkdirSync(dir, { recursive: true })
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

// The id of the signed-in person's first file of a unit (from the desk).
export async function fileOf(page: Page, unit: string): Promise<number> {
  const d = await apiAs(page, 'GET', '/api/v1/desk')
  const f = d.json.files.find((x: { unit: { code: string } }) => x.unit.code === unit)
  expect(f, `a file of ${unit}`).toBeTruthy()
  return f.id
}

// The current leaf page's maximum, as the hint writes it ("Từ 0 đến 0,5, …").
export async function maxOnPage(page: Page): Promise<string> {
  const hint = await page.locator('.hint').filter({ hasText: /Từ 0 đến|From 0 to/ }).first().innerText()
  return /(?:đến|to) ([\d,.]+)/.exec(hint)![1].replace(/[,.]$/, '')
}

// Slows the page's uploads (Chrome DevTools network conditions), so that a person (a
// test) can cut the line in the middle of one.
export async function throttleUploads(page: Page, bytesPerSecond: number) {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond,
  })
  return cdp
}

// The percentage the upload row of `name` shows.
export async function percentOf(page: Page, name: string): Promise<number> {
  const text = await page.getByRole('group', { name }).locator('.hint').first().innerText()
  return Number(/(\d+)%/.exec(text)?.[1] ?? '0')
}
