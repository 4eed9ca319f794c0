// Journey 5: every page in Vietnamese (the default) and in English; the choice is kept
// for the user (server side), not only in this browser.
import { test, expect, signIn } from './fixtures'

// UI words that must not be left untranslated on an English page (data such as unit
// names and criteria titles stay Vietnamese: they are the official texts).
const vietnameseUi = /Đăng xuất|Tài khoản|Trang chủ|Giai đoạn|Tiến độ|Tổng điểm|Danh sách tiêu chí|Cây tiêu chí|Điểm tự chấm|Tài liệu kiểm chứng|Lưu và sang|Kiểm tra trước khi nộp|Đổi mật khẩu|Không tìm thấy trang|Đề nghị không đánh giá|Tổ thẩm định/

test('every page reads in Vietnamese and in English, and the choice is kept per user', async ({ page, browser, baseURL, look }) => {
  await page.goto('/')
  await expect(page.getByRole('heading', { level: 1, name: 'Đăng nhập' })).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('lang', 'vi')
  await look(page, 'vi-sign-in')
  await signIn(page, 'stp.giamdoc')

  const pages: [string, RegExp, RegExp][] = []
  const id = /files\/(\d+)/.exec(await page.getByRole('link', { name: 'Danh sách tiêu chí' }).getAttribute('href') ?? '')![1]
  pages.push(['home', /Hồ sơ của đơn vị/, /Your unit’s files/])
  pages.push([`files/${id}`, /Cây tiêu chí/, /Criteria tree/])
  pages.push([`files/${id}/leaves/1.1.1`, /Điểm tự chấm/, /Self score/])
  // A leaf the unit may claim not evaluated: the claim and its hint.
  pages.push([`files/${id}/leaves/2.1.2`, /Đề nghị không đánh giá tiêu chí này/, /Claim that this criterion is not evaluated/])
  pages.push([`files/${id}/submit`, /Kiểm tra trước khi nộp/, /Check before you submit/])
  pages.push(['account', /Đổi mật khẩu/, /Change password/])
  pages.push(['no-such-page', /Không tìm thấy trang/, /Page not found/])

  for (const [path, vi] of pages) {
    await page.goto('/' + (path === 'home' ? '' : path))
    await expect(page.getByRole('main').getByText(vi).first()).toBeVisible()
    await look(page, 'vi-' + path.replace(/\//g, '-'))
  }

  await page.getByRole('button', { name: /Chuyển sang tiếng Anh/ }).click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  for (const [path, , en] of pages) {
    await page.goto('/' + (path === 'home' ? '' : path))
    await expect(page.getByRole('main').getByText(en).first()).toBeVisible()
    const chrome = await page.locator('header, h1, h2, label, button, legend, th, dt, .hint, .notice').allInnerTexts()
    expect(chrome.join('\n')).not.toMatch(vietnameseUi)
    await look(page, 'en-' + path.replace(/\//g, '-'))
  }
  // Problems come in English too.
  await page.goto(`/files/${id}/leaves/1.1.1`)
  await page.getByLabel('Self score', { exact: true }).fill('99')
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await expect(page.locator('#f-self_score-error')).toHaveText(/cannot be more than/)
  await look(page, 'en-leaf-error')

  // Kept for the user: another browser, signed in afresh, starts in English.
  const fresh = await browser.newContext({ baseURL, ignoreHTTPSErrors: true })
  const other = await fresh.newPage()
  await signIn(other, 'stp.giamdoc')
  await expect(other.getByRole('heading', { level: 1, name: 'Your unit’s files' })).toBeVisible()
  await other.getByRole('button', { name: 'Sign out' }).click()
  await expect(other.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible()
  await look(other, 'en-signed-out')
  await fresh.close()
})
