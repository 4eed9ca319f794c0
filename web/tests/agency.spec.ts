// Journey 1: an agency editor scores every self leaf of the unit and attaches
// evidence (several files at once; a 50 MB file whose upload is cut and resumed; one
// resumed after a page reload); the head checks and submits; the receipt.
import { test, expect, signIn } from './fixtures'
import { maxOnPage, pdfFile, percentOf, throttleUploads } from './helpers'

test('agency scores every leaf, attaches evidence through cuts and reloads, and the head submits', async ({ page, browser, baseURL, look }) => {
  await signIn(page, 'stp.canbo')
  await expect(page.getByRole('heading', { level: 1, name: 'Hồ sơ của đơn vị' })).toBeVisible()
  await expect(page.getByTestId('countdown')).toHaveText(/\d+ ngày/)
  await look(page, 'home')

  await page.getByRole('link', { name: 'Danh sách tiêu chí' }).click()
  await expect(page.getByRole('heading', { level: 2, name: 'Cây tiêu chí' })).toBeVisible()
  await look(page, 'criteria-tree')
  await page.getByLabel('Chưa xong').check()
  await look(page, 'criteria-tree-unfinished')

  // Leaf by leaf with the keyboard: type the maximum, Ctrl+Enter saves and moves on.
  await page.getByRole('link', { name: /^1\.1\.1 / }).first().click()
  await expect(page.getByRole('heading', { level: 1, name: /^1\.1\.1 / })).toBeVisible()
  await look(page, 'leaf-empty')
  const total = Number(/\/(\d+)/.exec(await page.locator('.caption').first().innerText())![1])
  expect(total).toBeGreaterThan(80)  // 85 self-scored leaves in the departments set
  for (let n = 1; n <= total; n++) {
    await expect(page.locator('.caption').first()).toHaveText(new RegExp(` ${n}/${total}$`))
    const score = page.getByLabel('Điểm tự chấm', { exact: true })
    await score.fill(await maxOnPage(page))
    if (n === 1) await page.getByLabel('Thuyết minh, giải trình').fill('Kế hoạch CCHC năm 2024 ban hành đúng hạn (Quyết định 12/QĐ-STP).')
    if (n < total) await score.press('Control+Enter')
    else await page.getByRole('button', { name: 'Lưu', exact: true }).click()
  }
  await expect(page.getByRole('status')).toHaveText('Đã lưu.')

  // A wrong score is refused beside its field, and nothing typed is lost.
  await page.getByLabel('Điểm tự chấm', { exact: true }).fill('0,12345')
  await page.getByRole('button', { name: 'Lưu', exact: true }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'Có lỗi cần sửa' })).toBeVisible()
  await expect(page.locator('#f-self_score-error')).toHaveText(/Tối đa 4 chữ số thập phân/)
  await expect(page.getByLabel('Điểm tự chấm', { exact: true })).toHaveValue('0,12345')
  await look(page, 'leaf-error')
  await page.getByLabel('Điểm tự chấm', { exact: true }).fill('0.25')
  await page.getByRole('button', { name: 'Lưu', exact: true }).click()
  await expect(page.getByRole('status')).toHaveText('Đã lưu.')

  // Evidence on 1.1.1: two files at once, with the official document's details.
  await page.goto(page.url().replace(/leaves\/[^/]+$/, 'leaves/1.1.1'))
  const a = pdfFile('ke-hoach-cchc-2024.pdf'), b = pdfFile('bao-cao-quy-1.pdf', 5000)
  await page.getByLabel('Chọn tệp').setInputFiles([a.path, b.path])
  const rowA = page.getByRole('group', { name: 'ke-hoach-cchc-2024.pdf' })
  await expect(rowA.getByText('Đã tải lên, chờ đính kèm')).toBeVisible()
  await rowA.getByLabel('Số, ký hiệu văn bản').fill('12/KH-STP')
  await rowA.getByLabel('Ngày ban hành').fill('15/01/2024')
  await rowA.getByLabel('Cơ quan ban hành').fill('Sở Tư pháp')
  await rowA.getByLabel('Trích yếu').fill('Kế hoạch cải cách hành chính năm 2024')
  await expect(page.getByRole('group', { name: 'bao-cao-quy-1.pdf' }).getByText('Đã tải lên, chờ đính kèm')).toBeVisible()
  await look(page, 'evidence-two-files')
  await page.getByRole('button', { name: 'Đính kèm tất cả (2)' }).click()
  await expect(page.getByText(`SHA-256: ${a.sha256}`)).toBeVisible()
  await expect(page.getByText(`SHA-256: ${b.sha256}`)).toBeVisible()
  await expect(page.getByText('12/KH-STP · 15/01/2024 · Sở Tư pháp')).toBeVisible()
  await page.getByRole('button', { name: 'Xem ke-hoach-cchc-2024.pdf' }).click()
  await expect(page.locator('iframe[title="ke-hoach-cchc-2024.pdf"]')).toHaveAttribute('src', /disposition=inline$/)
  await look(page, 'evidence-attached')

  // A file of a refused kind is refused in plain words, for that file only.
  const { textFile } = await import('./helpers')
  await page.getByLabel('Chọn tệp').setInputFiles(textFile('ghi-chu.exe', 'MZ this is not evidence'))
  await expect(page.getByRole('group', { name: 'ghi-chu.exe' }).getByRole('alert')).toBeVisible()
  await look(page, 'evidence-refused')

  // 50 MB, cut in the middle (the line goes offline) and resumed where it stopped.
  await page.goto(page.url().replace(/leaves\/[^/]+$/, 'leaves/1.1.2'))
  const big = pdfFile('ho-so-scan-50mb.pdf', 50 * 1024 * 1024)
  const cdp = await throttleUploads(page, 4 * 1024 * 1024)
  await page.getByLabel('Chọn tệp').setInputFiles(big.path)
  await expect.poll(() => percentOf(page, 'ho-so-scan-50mb.pdf'), { timeout: 60_000 }).toBeGreaterThan(15)
  await page.context().setOffline(true)
  await expect(page.getByRole('group', { name: 'ho-so-scan-50mb.pdf' }).getByText(/Mất kết nối/)).toBeVisible()
  const cutAt = await percentOf(page, 'ho-so-scan-50mb.pdf')
  await look(page, 'upload-offline')
  await page.context().setOffline(false)
  await page.evaluate(() => window.dispatchEvent(new Event('online')))
  await expect.poll(() => percentOf(page, 'ho-so-scan-50mb.pdf'), { timeout: 60_000 }).toBeGreaterThan(cutAt)
  // It went on from where it was cut, not from the start.
  expect(await percentOf(page, 'ho-so-scan-50mb.pdf')).toBeGreaterThanOrEqual(cutAt)
  await expect(page.getByRole('group', { name: 'ho-so-scan-50mb.pdf' }).getByText('Đã tải lên, chờ đính kèm')).toBeVisible({ timeout: 120_000 })
  await page.getByRole('button', { name: 'Đính kèm ho-so-scan-50mb.pdf' }).click()
  await expect(page.getByText(`SHA-256: ${big.sha256}`)).toBeVisible()

  // Another one, interrupted by a reload: the page offers to go on; the same file
  // picked again resumes where it stopped.
  await page.goto(page.url().replace(/leaves\/[^/]+$/, 'leaves/1.3.1'))
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 4 * 1024 * 1024 })
  const again = pdfFile('bien-ban-50mb.pdf', 50 * 1024 * 1024 + 7)
  await page.getByLabel('Chọn tệp').setInputFiles(again.path)
  await expect.poll(() => percentOf(page, 'bien-ban-50mb.pdf'), { timeout: 60_000 }).toBeGreaterThan(20)
  await page.reload()
  await expect(page.getByText('Tệp chưa tải xong')).toBeVisible()
  await expect(page.getByText(/bien-ban-50mb\.pdf/)).toBeVisible()
  await look(page, 'upload-after-reload')
  const cdp2 = await page.context().newCDPSession(page)
  await cdp2.send('Network.enable')
  await cdp2.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 4 * 1024 * 1024 })
  await page.getByLabel('Chọn tệp').setInputFiles(again.path)
  await expect.poll(() => percentOf(page, 'bien-ban-50mb.pdf'), { timeout: 30_000 }).toBeGreaterThan(15)
  await cdp2.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })
  await expect(page.getByRole('group', { name: 'bien-ban-50mb.pdf' }).getByText('Đã tải lên, chờ đính kèm')).toBeVisible({ timeout: 120_000 })
  await page.getByRole('button', { name: 'Đính kèm bien-ban-50mb.pdf' }).click()
  await expect(page.getByText(`SHA-256: ${again.sha256}`)).toBeVisible()
  await look(page, 'evidence-big-files')

  // The head checks and submits.
  const head = await (await browser.newContext({ baseURL, ignoreHTTPSErrors: true })).newPage()
  await signIn(head, 'stp.giamdoc')
  await head.getByRole('link', { name: 'Nộp hồ sơ' }).first().click()
  await expect(head.getByRole('heading', { level: 1, name: 'Kiểm tra trước khi nộp' })).toBeVisible()
  await expect(head.getByText('Mọi tiêu chí đã được tự chấm.')).toBeVisible()
  await expect(head.getByRole('heading', { name: /Tiêu chí chưa có tài liệu kiểm chứng \(\d+\)/ })).toBeVisible()
  await look(head, 'check-before-submit')
  await head.getByRole('button', { name: 'Xác nhận và nộp' }).click()
  await expect(head.locator('#confirm-error')).toBeVisible()
  await head.getByLabel('Tôi xác nhận nộp hồ sơ tự đánh giá của đơn vị').check()
  await head.getByRole('button', { name: 'Xác nhận và nộp' }).click()
  await expect(head.getByRole('heading', { level: 1, name: 'Đã nộp hồ sơ' })).toBeVisible()
  await expect(head.getByText('stp.giamdoc')).toBeVisible()
  await look(head, 'submitted-receipt')

  // The file is read-only for the editor now, and its evidence is sealed.
  await page.goto(page.url().replace(/leaves\/[^/]+$/, 'leaves/1.1.1'))
  await expect(page.getByText('Không sửa được ở giai đoạn này.')).toBeVisible()
  await expect(page.getByText(/Phiên bản niêm phong 1/)).toBeVisible()
  await expect(page.getByRole('link', { name: 'Tải gói niêm phong có chữ ký' })).toBeVisible()
  await look(page, 'leaf-sealed')
})
