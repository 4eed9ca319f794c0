// Journey 4: the session ends while a person is typing; saving sends them to the
// sign-in page and back, with what they typed still there, and the save then works.
import { test, expect, signIn } from './fixtures'

test.use({ parixConfig: '[sessions]\nidle_timeout = 15' })

test('an expired session mid-edit loses nothing', async ({ page, look }) => {
  await signIn(page, 'stp.canbo')
  await page.getByRole('link', { name: 'Danh sách tiêu chí' }).click()
  await page.getByRole('link', { name: /^1\.1\.1 / }).click()
  const text = 'Đã ban hành Kế hoạch số 12/KH-STP ngày 15/01/2024; hoàn thành 18/18 nhiệm vụ.'
  await page.getByLabel('Điểm tự chấm', { exact: true }).fill('0,5')
  await page.getByLabel('Thuyết minh, giải trình').fill(text)
  await page.waitForTimeout(16_000)  // the session's idle time runs out
  await page.getByRole('button', { name: 'Lưu', exact: true }).click()

  await expect(page.getByRole('heading', { level: 1, name: 'Đăng nhập' })).toBeVisible()
  await expect(page.getByText('Phiên làm việc đã hết hạn.', { exact: false })).toBeVisible()
  await look(page, 'session-ended')
  await page.getByLabel('Tên đăng nhập').fill('stp.canbo')
  await page.getByLabel('Mật khẩu', { exact: true }).fill('ChiSoCCHC-2024')
  await page.getByRole('button', { name: 'Đăng nhập' }).click()

  await expect(page.getByRole('heading', { level: 1, name: /^1\.1\.1 / })).toBeVisible()
  await expect(page.getByLabel('Thuyết minh, giải trình')).toHaveValue(text)
  await expect(page.getByLabel('Điểm tự chấm', { exact: true })).toHaveValue('0,5')
  await page.getByRole('button', { name: 'Lưu', exact: true }).click()
  await expect(page.getByRole('status')).toHaveText('Đã lưu.')
  await page.reload()
  await expect(page.getByLabel('Thuyết minh, giải trình')).toHaveValue(text)
  await look(page, 'saved-after-sign-in')
})
