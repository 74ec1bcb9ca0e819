// Expert review and ranking scenario, run by run.mjs before the projects one (same browser,
// server), on the demo's showcase call zg2026 and its round "工业技术创新 第一轮专家评审":
//
// 390×844  the demo expert opens their assignments, takes one still to score, submits it with
//          one criterion left empty (the server names it; the typed scores stay), then scores
//          every criterion with a comment and sees the assignment marked as scored.
// 1280×800 staff (bureau) opens the round's ranking (ranked, fundable or not), is refused a
//          funding proposal for an application below the threshold (the reason is shown), and
//          proposes funding for a fundable one — the decision the projects scenario publishes.
// Screenshots go to <out>/review-<nn>-<step>.png.

import { session } from './session.mjs'

const DEMO_PASSWORD = process.env.KC_E2E_DEMO_PASSWORD ?? 'Demo#2026kc'
const EXPERT = process.env.KC_E2E_EXPERT ?? 'expert'
const STAFF = process.env.KC_E2E_STAFF ?? 'staff'
const CALL = 'zg2026'
const ROUND = '工业技术创新 第一轮专家评审'
/** Points per criterion of the Zigong score sheet (each out of 10). */
const SCORES = { innovation: '8.5', feasibility: '8', foundation: '7.5', benefit: '8' }
/** The amount proposed, in 万元, kept under every Zigong industrial cap. */
const PROPOSED_WAN = 20

export class ReviewStepError extends Error {}

const SESSION = { scenario: 'review', StepError: ReviewStepError }

/** Types a score into a criterion's number input and leaves it (the input commits on change). */
async function score(page, criterion, points) {
  const box = page.locator(`[data-criterion="${criterion}"] input`).first()
  await box.fill(points)
  await box.press('Tab')
}

/**
 * Runs the scenario. `options`: { baseUrl, outDir, timeout, admin: {login, password}, log }.
 */
export async function runReview(browser, options) {
  const opts = { ...options, counter: { n: 0 } }
  const phone = { width: 390, height: 844, mobile: true }
  const desktop = { width: 1280, height: 800, mobile: false }

  // ---- the expert on a phone: score one assignment ----------------------------------------
  await session(browser, opts, SESSION, phone, 'expert', async (s) => {
    const { page, step, byTestId, field, login } = s
    let title = ''
    await step('assignments', async () => {
      await login(EXPERT, DEMO_PASSWORD)
      await page.goto('/review/assignments')
      const cards = byTestId('assignment-card')
      await cards.first().waitFor({ state: 'visible' })
      // A fresh demo leaves this expert two to score; a rerun re-scores a scored one.
      let card = page.locator(
        `[data-testid="assignment-card"][data-call="${CALL}"][data-status="assigned"]`,
      )
      if ((await card.count()) === 0) {
        card = page.locator(
          `[data-testid="assignment-card"][data-call="${CALL}"][data-status="submitted"]`,
        )
      }
      if ((await card.count()) === 0) {
        throw new ReviewStepError(`the expert has no open assignment of ${CALL}`)
      }
      title = (await card.first().locator('.title').innerText()).trim()
      opts.log(`  · review: the expert scores "${title}"`)
      await card.first().click()
      await page.waitForURL((url) => /^\/review\/assignments\/[^/]+$/.test(url.pathname))
      await byTestId('score-sheet').waitFor({ state: 'visible' })
    })

    await step('score-incomplete', async () => {
      await score(page, 'innovation', SCORES.innovation)
      await score(page, 'feasibility', SCORES.feasibility)
      await score(page, 'foundation', SCORES.foundation)
      await page.locator('[data-criterion="benefit"] input').first().fill('')
      await page.locator('[data-criterion="benefit"] input').first().press('Tab')
      await byTestId('score-submit').click()
      const problem = page.locator('[data-criterion="benefit"] .criterion-error')
      await problem.waitFor({ state: 'visible' })
      const text = await problem.innerText()
      if (!text.includes('预期经济社会效益')) {
        throw new ReviewStepError(`the missing criterion reads "${text}"`)
      }
      const kept = await page.locator('[data-criterion="innovation"] input').first().inputValue()
      if (Number(kept) !== Number(SCORES.innovation)) {
        throw new ReviewStepError(`after the refusal the first score reads "${kept}"`)
      }
    })

    await step('scored', async () => {
      await score(page, 'benefit', SCORES.benefit)
      await field('score-comment').fill('技术路线清晰，团队基础较好，建议支持。')
      await byTestId('score-submit').click()
      await page
        .locator('[data-testid="assignment-status"]')
        .filter({ hasText: '已评分' })
        .waitFor({ state: 'visible' })
      const total = await page.locator('[data-test="total"]').innerText()
      // 8.5×30 + 8×25 + 7.5×20 + 8×25 = 805 → 80.50 of 100
      if (!total.includes('80.5')) throw new ReviewStepError(`the total reads "${total}"`)
    })
  })

  // ---- the bureau: ranking and a funding proposal -----------------------------------------
  await session(browser, opts, SESSION, desktop, 'staff', async (s) => {
    const { page, step, byTestId, login } = s
    let rows = []
    const rowOf = (title) =>
      byTestId('ranking-table').locator('.el-table__row').filter({ hasText: title }).first()

    await step('rounds', async () => {
      await login(STAFF, DEMO_PASSWORD)
      await page.goto(`/grants/review?call=${CALL}`)
      await byTestId('round-link').filter({ hasText: ROUND }).first().click()
      await page.waitForURL((url) => /^\/grants\/review\/[^/]+$/.test(url.pathname))
      await byTestId('board-table').waitFor({ state: 'visible' })
    })

    await step('ranking', async () => {
      await page.locator('#tab-ranking').click()
      await page.waitForURL(/[?&]tab=ranking/)
      const roundId = new URL(page.url()).pathname.split('/').pop()
      const response = await page.request.get(`/api/v1/admin/review-rounds/${roundId}/ranking`)
      if (!response.ok()) throw new ReviewStepError(`ranking answered ${response.status()}`)
      rows = await response.json()
      await byTestId('ranking-table').locator('.el-table__row').first().waitFor()
      const firstRank = await byTestId('ranking-table')
        .locator('.el-table__row')
        .first()
        .locator('td')
        .first()
        .innerText()
      if (firstRank.trim() !== '1')
        throw new ReviewStepError(`the first row's rank is "${firstRank}"`)
    })

    const below = () => rows.find((r) => !r.fundable && r.reviews > 0 && !r.decision_status)
    const target = () =>
      rows.find(
        (r) =>
          r.fundable &&
          !r.site_visit_required &&
          r.decision_status !== 'proposed' &&
          r.decision_status !== 'awarded',
      )

    await step('propose-refused', async () => {
      const row = below()
      if (!row) throw new ReviewStepError('no reviewed application below the threshold to try')
      await rowOf(row.title).locator('[data-testid="propose"]').click()
      const dialog = byTestId('propose-dialog')
      await dialog.locator('[data-testid="propose-wan"] input').fill('10')
      await dialog.locator('[data-testid="propose-confirm"]').click()
      const problem = dialog.locator('[data-testid="problem"]').first()
      await problem.waitFor({ state: 'visible' })
      const text = await problem.innerText()
      if (!text.includes('低于立项分数线')) throw new ReviewStepError(`the refusal reads "${text}"`)
    })

    await step('proposed', async () => {
      await page.keyboard.press('Escape')
      await byTestId('propose-dialog').waitFor({ state: 'hidden' })
      const row = target()
      if (!row) {
        throw new ReviewStepError(
          'no fundable application without a proposal (run against a fresh --demo server)',
        )
      }
      opts.log(`  · review: staff proposes ${PROPOSED_WAN} 万元 for "${row.title}"`)
      await rowOf(row.title).locator('[data-testid="propose"]').click()
      const dialog = byTestId('propose-dialog')
      await dialog.locator('[data-testid="propose-wan"] input').fill(String(PROPOSED_WAN))
      await dialog.locator('[data-testid="propose-confirm"]').click()
      await dialog.waitFor({ state: 'hidden' })
      await rowOf(row.title)
        .locator('[data-testid="decision-status"]')
        .filter({ hasText: '已拟支持' })
        .waitFor({ state: 'visible' })
      const shown = await rowOf(row.title).locator('[data-testid="proposed"]').innerText()
      if (!shown.includes(String(PROPOSED_WAN))) {
        throw new ReviewStepError(`the proposed funding reads "${shown}"`)
      }
    })
  })
}
