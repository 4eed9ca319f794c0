// Journey 3: two people edit the same leaf; the second save is stale (412) and shows
// the other person's value beside one's own, to choose.
import { test, expect, signIn } from './fixtures'

test('a stale save shows both values and lets the person choose', async ({ page, browser, baseURL, look }) => {
  const other = await (await browser.newContext({ baseURL, ignoreHTTPSErrors: true })).newPage()
  await signIn(page, 'stp.canbo')
  await signIn(other, 'stp.giamdoc')
  await page.getByRole('link', { name: 'Danh sách tiêu chí' }).click()
  await page.getByRole('link', { name: /^1\.1\.2 / }).click()
  await expect(page.getByRole('heading', { level: 1, name: /^1\.1\.2 / })).toBeVisible()
  await other.goto(page.url().replace(baseURL!, ''))
  await expect(other.getByRole('heading', { level: 1, name: /^1\.1\.2 / })).toBeVisible()

  await other.getByLabel('Điểm tự chấm', { exact: true }).fill('0,75')
  await other.getByRole('button', { name: 'Lưu', exact: true }).click()
  await expect(other.getByRole('status')).toHaveText('Đã lưu.')

  await page.getByLabel('Điểm tự chấm', { exact: true }).fill('1')
  await page.getByLabel('Thuyết minh, giải trình').fill('Hoàn thành 100 % kế hoạch.')
  await page.getByRole('button', { name: 'Lưu', exact: true }).click()
  const conflict = page.getByRole('alert').filter({ hasText: 'Người khác vừa sửa tiêu chí này' })
  await expect(conflict).toBeVisible()
  await expect(conflict.getByRole('row', { name: /Điểm tự chấm/ })).toContainText('0,75')
  await expect(conflict.getByRole('row', { name: /Điểm tự chấm/ })).toContainText('1')
  await look(page, 'conflict')

  await page.getByRole('button', { name: 'Giữ giá trị của tôi và lưu' }).click()
  await expect(page.getByRole('status')).toHaveText('Đã lưu.')
  await other.reload()
  await expect(other.getByLabel('Điểm tự chấm', { exact: true })).toHaveValue('1')
  await expect(other.getByLabel('Thuyết minh, giải trình')).toHaveValue('Hoàn thành 100 % kế hoạch.')

  // And the other way: take the saved value.
  await other.getByLabel('Điểm tự chấm', { exact: true }).fill('0,5')
  await other.getByRole('button', { name: 'Lưu', exact: true }).click()
  await expect(other.getByRole('status')).toHaveText('Đã lưu.')
  await page.getByLabel('Điểm tự chấm', { exact: true }).fill('0,25')
  await page.getByRole('button', { name: 'Lưu', exact: true }).click()
  await expect(conflict).toBeVisible()
  await page.getByRole('button', { name: 'Dùng giá trị đã lưu' }).click()
  await expect(page.getByLabel('Điểm tự chấm', { exact: true })).toHaveValue('0,5')
  await look(page, 'conflict-resolved')
})
