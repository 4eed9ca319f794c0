// Journey 2: the field-2 appraiser scores round one leaf by leaf with the keyboard,
// flags two leaves and opens the explanation window; the agency answers one flagged
// leaf and cannot change an unflagged one; the window closes by the clock; round two.
import { test, expect, signIn, apiAs } from './fixtures'
import { fileOf } from './helpers'

test('appraiser scores round one, flags, opens the window; agency explains; the clock closes it; round two', async ({ page, browser, baseURL, look }) => {
  // Set-up through the API (not this journey's subject): the head submits HTG's file
  // (on purpose with its self leaves unscored), and the Home Affairs team scores round
  // one of every field but field 2.
  const setup = await browser.newPage({ baseURL })
  await signIn(setup, 'htg.chutich')
  const id = await fileOf(setup, 'HTG')
  expect((await apiAs(setup, 'POST', `/api/v1/assessments/${id}/events`, { event: 'submit', confirm_missing_self_scores: true })).status).toBe(200)
  await apiAs(setup, 'POST', '/api/v1/auth/logout', {})
  await signIn(setup, 'thamdinh.snv')
  const file = (await apiAs(setup, 'GET', `/api/v1/desk/files/${id}`)).json
  for (const leaf of file.assessment.leaves) {
    if (leaf.method !== 'self' || leaf.field === '2' || leaf.not_evaluated) continue
    const r = await apiAs(setup, 'PATCH', `/api/v1/assessments/${id}/leaves/${leaf.code}`, { round1_score: leaf.max }, { 'If-Match': `"v${leaf.version}"` })
    expect(r.status, leaf.code).toBe(200)
  }
  await setup.close()

  // The appraiser's queue, then the file, then field 2 leaf by leaf.
  await signIn(page, 'thamdinh.tp')
  await expect(page.getByRole('heading', { level: 1, name: 'Hồ sơ cần thẩm định' })).toBeVisible()
  await page.getByRole('radio', { name: 'Thẩm định vòng 1 (1)' }).check()
  await expect(page.getByRole('link', { name: 'UBND huyện Tuần Giáo' })).toBeVisible()
  await look(page, 'work-queue')
  await page.getByRole('link', { name: 'UBND huyện Tuần Giáo' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'UBND huyện Tuần Giáo' })).toBeVisible()
  await look(page, 'file-round1')
  await page.getByRole('link', { name: /^2\.1\.1 / }).click()
  await expect(page.getByRole('heading', { level: 1, name: /^2\.1\.1 / })).toBeVisible()
  await look(page, 'leaf-round1')
  const total = Number(/\/(\d+)/.exec(await page.locator('.caption').first().innerText())![1])
  const flagged: string[] = []
  for (let n = 1; n <= total; n++) {
    await expect(page.locator('.caption').first()).toHaveText(new RegExp(` ${n}/${total}$`))
    const code = /^([\d.]+) /.exec(await page.getByRole('heading', { level: 1 }).innerText())![1]
    await page.getByLabel('Điểm thẩm định vòng 1').fill(n % 2 ? '0,25' : '0')
    if (n <= 2) {
      await page.getByLabel('Nhận xét vòng 1').fill(`Thiếu tài liệu kiểm chứng cho ${code}.`)
      await page.getByLabel('Yêu cầu giải trình, bổ sung tài liệu').check()
      flagged.push(code)
    }
    if (n < total) await page.getByLabel('Điểm thẩm định vòng 1').press('Control+Enter')
    else await page.getByRole('button', { name: 'Lưu', exact: true }).click()
  }
  await expect(page.getByRole('status')).toHaveText('Đã lưu.')
  await page.getByRole('link', { name: 'UBND huyện Tuần Giáo' }).click()
  await page.getByLabel('Cần giải trình').check()
  await expect(page.locator('li.leaf')).toHaveCount(2)
  await look(page, 'file-flagged')

  // Completing round one straight to round two is refused: leaves are flagged.
  await page.getByRole('button', { name: 'Hoàn thành vòng 1' }).click()
  await expect(page.locator('#complete_round1-error')).toBeVisible()
  await look(page, 'complete-round1-refused')

  // Open the window until the next whole minute at least 150 s away (server's zone):
  // time enough for the agency's steps below on a loaded machine.
  await page.getByRole('link', { name: /Mở thời gian giải trình/ }).click()
  await expect(page.getByText('2 tiêu chí đang được yêu cầu giải trình.', { exact: false })).toBeVisible()
  await look(page, 'open-window')
  const until = await closeTime(page)
  await page.getByLabel('Ngày kết thúc').fill(until.date)
  await page.getByLabel('Giờ kết thúc').fill(until.time)
  await page.getByRole('button', { name: 'Mở thời gian giải trình' }).click()
  await expect(page.getByText('Giải trình', { exact: true }).first()).toBeVisible()
  await expect(page.getByTestId('countdown')).toBeVisible()
  await look(page, 'window-open')

  // The agency answers one flagged leaf; an unflagged one cannot be changed.
  const agency = await (await browser.newContext({ baseURL, ignoreHTTPSErrors: true })).newPage()
  await signIn(agency, 'htg.canbo')
  await expect(agency.getByText(/Đang trong thời gian giải trình/)).toBeVisible()
  await look(agency, 'agency-home-window')
  await agency.getByRole('link', { name: 'Danh sách tiêu chí' }).click()
  await agency.getByLabel('Cần giải trình').check()
  await look(agency, 'agency-flagged')
  await agency.getByRole('link', { name: new RegExp(`^${flagged[0].replace(/\./g, '\\.')} `) }).click()
  await expect(agency.getByText('Tiêu chí này được yêu cầu giải trình.')).toBeVisible()
  await expect(agency.getByText(`Thiếu tài liệu kiểm chứng cho ${flagged[0]}.`)).toBeVisible()
  await agency.getByLabel('Nội dung giải trình').fill('Đơn vị bổ sung Quyết định 45/QĐ-UBND ngày 12/3/2024.')
  await agency.getByRole('button', { name: 'Lưu', exact: true }).click()
  await expect(agency.getByRole('status')).toHaveText('Đã lưu.')
  await look(agency, 'agency-explained')
  await agency.goto(agency.url().replace(/leaves\/[^/]+$/, 'leaves/2.2.4'))
  await expect(agency.getByText('Trong thời gian giải trình chỉ sửa được các tiêu chí được yêu cầu giải trình.')).toBeVisible()
  await expect(agency.getByLabel('Nội dung giải trình')).toHaveCount(0)
  const now = (await apiAs(agency, 'GET', `/api/v1/desk/files/${id}`)).json.assessment.leaves.find((l: { code: string }) => l.code === '2.2.4')
  const refused = await apiAs(agency, 'PATCH', `/api/v1/assessments/${id}/leaves/2.2.4`, { explanation_response: 'x' }, { 'If-Match': `"v${now.version}"` })
  expect(refused.status).toBe(409)
  expect(refused.json.code).toBe('leaf_not_flagged')
  await look(agency, 'agency-unflagged-read-only')

  // The window closes by the clock: the page shows round two once it has.
  await expect(async () => {
    await page.reload()
    await expect(page.locator('dl.summary .tag').first()).toHaveText('Thẩm định vòng 2', { timeout: 2000 })
  }).toPass({ timeout: 300_000, intervals: [5000] })
  await look(page, 'file-round2')

  // Round two on the flagged leaves, then complete it.
  await page.getByLabel('Cần giải trình').check()
  await page.getByRole('link', { name: new RegExp(`^${flagged[0].replace(/\./g, '\\.')} `) }).click()
  await expect(page.getByText('Đơn vị bổ sung Quyết định 45/QĐ-UBND', { exact: false }).first()).toBeVisible()
  await page.getByLabel('Điểm thẩm định vòng 2').fill('0,5')
  await page.getByLabel('Nhận xét vòng 2').fill('Đã bổ sung đủ tài liệu.')
  await page.getByRole('button', { name: 'Lưu', exact: true }).click()
  await expect(page.getByRole('status')).toHaveText('Đã lưu.')
  await look(page, 'leaf-round2')
  await page.getByRole('link', { name: 'UBND huyện Tuần Giáo' }).click()
  await page.getByRole('button', { name: 'Hoàn thành vòng 2' }).click()
  await expect(page.locator('dl.summary .tag').first()).toHaveText('Hội đồng thẩm định')
  await look(page, 'file-council')
})

// The next whole minute at least 150 s after the server's time, in the server's zone.
async function closeTime(page: import('@playwright/test').Page) {
  const d = (await apiAs(page, 'GET', '/api/v1/desk')).json
  const iso: string = d.files[0].server_time  // "2026-11-29T15:47:12+07:00"
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(iso)!
  const local = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])
  const target = new Date(Math.ceil((local + 150_000) / 60_000) * 60_000)
  const p = (n: number) => String(n).padStart(2, '0')
  return {
    date: `${p(target.getUTCDate())}/${p(target.getUTCMonth() + 1)}/${target.getUTCFullYear()}`,
    time: `${p(target.getUTCHours())}:${p(target.getUTCMinutes())}`,
  }
}
