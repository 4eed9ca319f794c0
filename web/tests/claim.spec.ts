// Journey 6: "not evaluated" as the agency claims it and the appraiser decides it, then
// the file to publication. The STP editor claims 2.1.2 (the campaign lets departments
// claim it) with a reason, which clears its self score and takes it out of the maximum;
// the head is asked twice before submitting with a leaf unscored; the appraiser cannot
// complete round one while the claim is undecided, confirms it, completes both rounds;
// the council approves and the secretariat publishes (through the API); the editor reads
// the published result: total, index, class, rank and the figures of every field.
import { test, expect, signIn, apiAs } from './fixtures'
import { fileOf } from './helpers'
import type { Page } from '@playwright/test'

// Numbers as the Vietnamese pages write them.
const vi = (s: string) => s.replace('.', ',')
const leafOf = async (page: Page, id: number, code: string) =>
  (await apiAs(page, 'GET', `/api/v1/desk/files/${id}`)).json.assessment.leaves.find((l: { code: string }) => l.code === code)

test('agency claims 2.1.2 not evaluated, the appraiser confirms it, and the agency reads its published result', async ({ page, browser, baseURL, look }) => {
  // Set-up through the API (not this journey's subject): the editor self-scores every
  // self leaf of STP but 2.1.2 (claimed below) and 3.1.1 (left unscored on purpose).
  await signIn(page, 'stp.canbo')
  const id = await fileOf(page, 'STP')
  const start = (await apiAs(page, 'GET', `/api/v1/desk/files/${id}`)).json
  for (const leaf of start.assessment.leaves) {
    if (leaf.method !== 'self' || leaf.code === '2.1.2' || leaf.code === '3.1.1') continue
    const r = await apiAs(page, 'PATCH', `/api/v1/assessments/${id}/leaves/${leaf.code}`, { self_score: leaf.max }, { 'If-Match': `"v${leaf.version}"` })
    expect(r.status, leaf.code).toBe(200)
  }
  const field2 = start.nodes.find((n: { code: string }) => n.code === '2')
  const claimed = start.assessment.leaves.find((l: { code: string }) => l.code === '2.1.2')
  expect(claimed.claimable).toBe(true)

  // 2.1.1 is not one the campaign lets STP claim: no claim control there.
  await page.goto(`/files/${id}/leaves/2.1.1`)
  await expect(page.getByRole('heading', { level: 1, name: /^2\.1\.1 / })).toBeVisible()
  await expect(page.getByLabel('Điểm tự chấm', { exact: true })).toBeVisible()
  await expect(page.getByLabel('Đề nghị không đánh giá tiêu chí này')).toHaveCount(0)

  // 2.1.2: scored first, then claimed; the page says the score goes, and asks why.
  await page.goto(`/files/${id}/leaves/2.1.2`)
  const claim = page.getByLabel('Đề nghị không đánh giá tiêu chí này')
  await expect(claim).toBeVisible()
  await page.getByLabel('Điểm tự chấm', { exact: true }).fill('0,5')
  await page.getByRole('button', { name: 'Lưu', exact: true }).click()
  await expect(page.getByRole('status')).toHaveText('Đã lưu.')
  await look(page, 'leaf-claimable')
  await claim.check()
  await expect(page.getByLabel('Điểm tự chấm', { exact: true })).toHaveCount(0)
  await expect(page.getByText('Khi lưu đề nghị, điểm tự chấm 0,5 được xoá.')).toBeVisible()
  await page.getByRole('button', { name: 'Lưu', exact: true }).click()
  await expect(page.locator('#f-claim_reason-error')).toHaveText(/Hãy nhập lý do đề nghị không đánh giá\.$/)
  await look(page, 'claim-reason-missing')
  const reason = 'Năm 2024 Sở không được giao chủ trì xây dựng văn bản QPPL nào.'
  await page.getByLabel('Lý do đề nghị không đánh giá').fill(reason)
  await page.getByRole('button', { name: 'Lưu', exact: true }).click()
  await expect(page.getByRole('status')).toHaveText('Đã lưu.')
  await expect(page.locator('h1 + p .tag.claimed')).toHaveText('Đề nghị không đánh giá')
  await look(page, 'leaf-claimed')
  // What the server holds: the claim with its reason, the score cleared.
  const held = await leafOf(page, id, '2.1.2')
  expect([held.claim, held.claim_reason, held.self_score]).toEqual(['claimed', reason, null])
  // Withdrawn (untick, save): the score field is back; then claimed again.
  await claim.uncheck()
  await page.getByRole('button', { name: 'Lưu', exact: true }).click()
  await expect(page.getByRole('status')).toHaveText('Đã lưu.')
  await expect(page.getByLabel('Điểm tự chấm', { exact: true })).toHaveValue('')
  expect((await leafOf(page, id, '2.1.2')).claim).toBeNull()
  await claim.check()
  await page.getByLabel('Lý do đề nghị không đánh giá').fill(reason)
  await page.getByRole('button', { name: 'Lưu', exact: true }).click()
  await expect(page.getByRole('status')).toHaveText('Đã lưu.')
  expect((await leafOf(page, id, '2.1.2')).claim).toBe('claimed')

  // The tree: 2.1.2 is out of field 2's maximum and of the total's.
  await page.getByRole('link', { name: 'Sở Tư pháp' }).click()
  const field2Max = vi(String(Number(field2.max) - Number(claimed.max)))
  await expect(page.locator('summary').filter({ hasText: /^2\. / }).locator('.sum')).toHaveText(new RegExp(` / ${field2Max} điểm$`))
  await expect(page.locator('li.leaf').filter({ hasText: /^2\.1\.2 / }).locator('.tag')).toHaveText('Đề nghị không đánh giá')
  // The running total: the self scores so far, out of the server's applicable maximum.
  const now = (await apiAs(page, 'GET', `/api/v1/desk/files/${id}`)).json
  const selfSum = now.assessment.leaves.reduce((s: number, l: { self_score: string | null }) => s + Number(l.self_score ?? 0), 0)
  await expect(page.locator('dl.summary dd').filter({ hasText: / trên / }).first())
    .toHaveText(`${vi(String(Math.round(selfSum * 10000) / 10000))} trên ${vi(now.score.applicable_max)} điểm`)
  // The desk counts applicable leaves only: a claimed leaf is out of them.
  await expect(page.getByText(`${now.counts.self_scored}/${now.counts.leaves} tiêu chí đã tự chấm`)).toBeVisible()
  await look(page, 'tree-claimed')

  // The head: the check lists the claim and the unscored leaf; submitting with a leaf
  // unscored takes a second, explicit confirmation.
  const head = await (await browser.newContext({ baseURL, ignoreHTTPSErrors: true })).newPage()
  await signIn(head, 'stp.giamdoc')
  await head.goto(`/files/${id}/submit`)
  await expect(head.getByRole('heading', { level: 2, name: 'Tiêu chí đề nghị không đánh giá (1)' })).toBeVisible()
  await expect(head.getByText(reason)).toBeVisible()
  const unscored = head.getByRole('heading', { level: 2, name: 'Tiêu chí chưa tự chấm (1)' })
  await expect(unscored.locator('xpath=following-sibling::ul[1]').getByRole('link')).toHaveText(/^3\.1\.1 /)
  await look(head, 'check-before-submit-claim')
  await head.getByLabel('Tôi xác nhận nộp hồ sơ tự đánh giá của đơn vị').check()
  await head.getByRole('button', { name: 'Xác nhận và nộp' }).click()
  await expect(head.locator('#confirm-missing-error')).toHaveText(/Còn 1 tiêu chí chưa tự chấm/)
  await expect(head.getByRole('heading', { level: 1, name: 'Kiểm tra trước khi nộp' })).toBeVisible()
  await look(head, 'submit-unscored-refused')
  await head.getByLabel('Tôi biết còn 1 tiêu chí chưa tự chấm; các tiêu chí này sẽ được tính 0 điểm.').check()
  await head.getByRole('button', { name: 'Xác nhận và nộp' }).click()
  await expect(head.getByRole('heading', { level: 1, name: 'Đã nộp hồ sơ' })).toBeVisible()
  const submitted = (await apiAs(head, 'GET', `/api/v1/desk/files/${id}`)).json.assessment.events.find((e: { event: string }) => e.event === 'submit')
  expect(submitted.reason).toMatch(/1 criteria unscored/)

  // Round one (the Home Affairs team, the whole file): every leaf but 2.1.2 scored
  // through the API; the claim is decided in the browser.
  const appraiser = await (await browser.newContext({ baseURL, ignoreHTTPSErrors: true })).newPage()
  await signIn(appraiser, 'thamdinh.snv')
  const r1 = (await apiAs(appraiser, 'GET', `/api/v1/desk/files/${id}`)).json
  for (const leaf of r1.assessment.leaves) {
    if (leaf.method !== 'self' || leaf.not_evaluated || leaf.code === '2.1.2') continue
    const r = await apiAs(appraiser, 'PATCH', `/api/v1/assessments/${id}/leaves/${leaf.code}`, { round1_score: leaf.max }, { 'If-Match': `"v${leaf.version}"` })
    expect(r.status, leaf.code).toBe(200)
  }
  // A score on the claimed leaf is refused by the API while the claim is pending.
  const pending = await leafOf(appraiser, id, '2.1.2')
  const refused = await apiAs(appraiser, 'PATCH', `/api/v1/assessments/${id}/leaves/2.1.2`, { round1_score: '1' }, { 'If-Match': `"v${pending.version}"` })
  expect([refused.status, refused.json.code]).toEqual([409, 'leaf_not_evaluated'])

  await appraiser.goto(`/files/${id}`)
  await expect(appraiser.getByTestId('pending-claims')).toContainText('1 tiêu chí có đề nghị không đánh giá đang chờ xác nhận hoặc bác bỏ')
  await appraiser.getByRole('button', { name: 'Hoàn thành vòng 1' }).click()
  await expect(appraiser.locator('#complete_round1-error')).toHaveText(/đề nghị không đánh giá chưa được xác nhận hay bác bỏ/)
  await expect(appraiser.getByTestId('round1-missing')).toContainText('2.1.2')
  await look(appraiser, 'complete-round1-claim-pending')
  await appraiser.getByTestId('pending-claims').getByRole('link', { name: /^2\.1\.2 / }).click()
  const decision = appraiser.getByRole('group', { name: 'Đề nghị không đánh giá của đơn vị' })
  await expect(decision).toContainText(reason)
  await expect(appraiser.getByLabel('Điểm thẩm định vòng 1')).toHaveCount(0)
  await look(appraiser, 'leaf-claim-decision')
  // Rejecting asks for the reason in the remark; then the appraiser confirms instead.
  await decision.getByLabel('Bác bỏ: tiêu chí vẫn được chấm').check()
  await expect(appraiser.getByLabel('Điểm thẩm định vòng 1')).toBeVisible()
  await appraiser.getByRole('button', { name: 'Lưu', exact: true }).click()
  await expect(appraiser.locator('#f-round1_remark-error')).toHaveText(/Khi bác bỏ, hãy ghi lý do ở ô Nhận xét vòng 1\.$/)
  await decision.getByLabel('Xác nhận: không đánh giá tiêu chí này').check()
  await appraiser.getByRole('button', { name: 'Lưu', exact: true }).click()
  await expect(appraiser.getByRole('status')).toHaveText('Đã lưu.')
  await expect(appraiser.locator('h1 + p .tag')).toHaveText(['Không đánh giá', 'Đã xác nhận đề nghị'])
  await look(appraiser, 'leaf-claim-confirmed')
  const confirmed = await leafOf(appraiser, id, '2.1.2')
  expect([confirmed.claim, confirmed.not_evaluated, confirmed.not_evaluated_reason]).toEqual(['confirmed', true, reason])

  // Round one completes now (nothing flagged: straight to round two), then round two.
  await appraiser.getByRole('link', { name: 'Sở Tư pháp' }).click()
  await expect(appraiser.getByTestId('pending-claims')).toHaveCount(0)
  await appraiser.getByRole('button', { name: 'Hoàn thành vòng 1' }).click()
  await expect(appraiser.locator('dl.summary .tag').first()).toHaveText('Thẩm định vòng 2')
  await appraiser.getByRole('button', { name: 'Hoàn thành vòng 2' }).click()
  await expect(appraiser.locator('dl.summary .tag').first()).toHaveText('Hội đồng thẩm định')

  // The council approves and the secretariat publishes (through the API).
  const others = await (await browser.newContext({ baseURL, ignoreHTTPSErrors: true })).newPage()
  await signIn(others, 'hoidong.1')
  expect((await apiAs(others, 'POST', `/api/v1/assessments/${id}/events`, { event: 'vote_approve' })).json.state).toBe('approved')
  await apiAs(others, 'POST', '/api/v1/auth/logout', {})
  await signIn(others, 'thuky')
  const today = (await apiAs(others, 'GET', `/api/v1/desk/files/${id}`)).json.server_time.slice(0, 10)
  const published = await apiAs(others, 'POST', `/api/v1/assessments/${id}/events`, { event: 'publish', decision_number: '15/QĐ-UBND', decision_date: today })
  expect([published.status, published.json.state]).toEqual([200, 'published'])

  // The editor reads the published result, as the server computed it.
  const score = (await apiAs(page, 'GET', `/api/v1/desk/files/${id}`)).json.assessment.score
  const ranking = (await apiAs(page, 'GET', `/api/v1/campaigns/${start.campaign.id}/ranking`)).json.groups.departments
  const mine = ranking.find((r: { unit: string }) => r.unit === 'STP')
  await page.goto('/')
  await expect(page.locator('dl.summary .tag').first()).toHaveText('Đã công bố')
  await look(page, 'home-published')
  await page.getByRole('link', { name: 'Danh sách tiêu chí' }).click()
  const result = page.getByRole('region', { name: 'Kết quả công bố' })
  await expect(result).toBeVisible()
  const facts = result.locator('dl.summary')
  await expect(facts.locator('dt')).toHaveText(['Tổng điểm', 'Chỉ số', 'Xếp loại', 'Xếp hạng', 'Ngày công bố'])
  await expect(facts.locator('dd')).toHaveText([
    `${vi(score.achieved)} trên ${vi(score.applicable_max)} điểm`,
    `${vi(score.index)} %`,
    score.class,
    `${mine.rank} trên ${ranking.length} đơn vị đã công bố của nhóm`,
    new RegExp(`^${today.slice(8, 10)}/${today.slice(5, 7)}/${today.slice(0, 4)} \\d\\d:\\d\\d$`),
  ])
  const rows = result.locator('tbody tr')
  await expect(rows).toHaveCount(score.fields.length)
  for (const [i, f] of score.fields.entries())
    await expect(rows.nth(i).locator('td')).toHaveText([new RegExp(`^${f.code}\\. `), vi(f.achieved), vi(f.max), `${vi(f.index)} %`])
  // Field 2's maximum is without the confirmed 2.1.2.
  expect(score.fields.find((f: { code: string }) => f.code === '2').max).toBe(String(Number(field2.max) - Number(claimed.max)))
  await look(page, 'published-result')
  await page.getByRole('link', { name: /^2\.1\.2 / }).click()
  await expect(page.getByTestId('claim-note')).toContainText('Tổ thẩm định đã xác nhận đề nghị: tiêu chí này không đánh giá.')
  await look(page, 'leaf-published-claim')
})
