// Funding and projects scenario, run by run.mjs after the grants one (same browser, server):
//
// 1280×800 staff (bureau) opens the funding decisions of the showcase call zg2026; when no
//          proposed decision waits for a notice, one is proposed first through the API (an
//          earlier run or scenario may have published them all); publishes a public notice
//          (公示) and sees it with the award button disabled and its reason (period open).
// 1280×800 a visitor without an account finds the notice on /notices and opens it.
// 390×844  ziliujing (the district recommending unit) opens the showcase project
//          "智能流体控制阀成果转化及产业化", whose completion report is submitted, and records
//          the completion review (验收) as passed with a comment.
// Screenshots go to <out>/projects-<nn>-<step>.png.

import { session } from './session.mjs'

const DEMO_PASSWORD = process.env.KC_E2E_DEMO_PASSWORD ?? 'Demo#2026kc'
const STAFF = process.env.KC_E2E_STAFF ?? 'staff'
const RECOMMENDER = process.env.KC_E2E_RECOMMENDER ?? 'ziliujing'
const CALL = 'zg2026'
const PROJECT_TITLE = '智能流体控制阀成果转化及产业化'

export class ProjectsStepError extends Error {}

const SESSION = { scenario: 'projects', StepError: ProjectsStepError }

/** The API through the page's session (cookie), with the CSRF header on writes. */
function apiOf(page, context) {
  const csrf = async () => (await context.cookies()).find((c) => c.name === 'kc_csrf')?.value ?? ''
  return {
    async get(path) {
      const response = await page.request.get(`/api/v1${path}`)
      if (!response.ok()) throw new ProjectsStepError(`GET ${path} answered ${response.status()}`)
      return response.json()
    },
    async put(path, data) {
      return page.request.put(`/api/v1${path}`, {
        data,
        headers: { 'X-CSRF-Token': await csrf() },
      })
    },
  }
}

/** Makes sure a proposed decision of the call waits for a notice (proposes one if not). */
async function ensureProposed(api, log) {
  const decisions = await api.get(`/admin/calls/${CALL}/funding`)
  if (decisions.some((d) => d.status === 'proposed' && !d.notice_id)) return
  const queue = await api.get(`/admin/applications?call=${CALL}&status=accepted`)
  const rows = Array.isArray(queue) ? queue : (queue.items ?? [])
  const decided = new Set(decisions.map((d) => d.application_id))
  for (const row of rows) {
    if (decided.has(row.id)) continue
    const response = await api.put(`/admin/applications/${row.id}/funding`, {
      proposed_fen: 25_000_000,
    })
    if (response.ok()) {
      log(`  · projects: proposed 25 万元 for "${row.title}" through the API`)
      return
    }
  }
  throw new ProjectsStepError(`no accepted application of ${CALL} can be proposed for funding`)
}

/**
 * Runs the scenario. `options`: { baseUrl, outDir, timeout, admin: {login, password}, log }.
 */
export async function runProjects(browser, options) {
  const opts = { ...options, counter: { n: 0 } }
  const suffix = Date.now().toString(36)
  const noticeTitle = `E2E 拟立项公示 ${suffix}`
  opts.log(`  · projects: notice "${noticeTitle}"`)
  const desktop = { width: 1280, height: 800, mobile: false }

  // ---- bureau staff: publish a public notice ------------------------------------------------
  await session(browser, opts, SESSION, desktop, 'staff', async (s) => {
    const { page, context, step, byTestId, field, login } = s
    await step('funding', async () => {
      await login(STAFF, DEMO_PASSWORD)
      await ensureProposed(apiOf(page, context), opts.log)
      await page.goto(`/grants/funding?call=${CALL}`)
      await byTestId('decision-row').first().waitFor({ state: 'visible' })
      await byTestId('admin-notice').first().waitFor({ state: 'visible' })
    })
    await step('notice-dialog', async () => {
      const publish = byTestId('publish-notice')
      await page.waitForFunction(
        () => !document.querySelector('[data-testid="publish-notice"]')?.hasAttribute('disabled'),
      )
      await publish.click()
      await field('notice-title').fill(noticeTitle)
      await field('notice-days').fill('7')
    })
    await step('notice-published', async () => {
      await byTestId('notice-confirm').click()
      const card = byTestId('admin-notice').filter({ hasText: noticeTitle })
      await card.waitFor({ state: 'visible' })
      const award = card.locator('[data-testid="award"]')
      if (!(await award.isDisabled())) {
        throw new ProjectsStepError('the award button is enabled while the notice is open')
      }
      const reason = await card.locator('[data-testid="award-reason"]').innerText()
      if (!reason.includes('公示期')) throw new ProjectsStepError(`award reason "${reason}"`)
    })
  })

  // ---- the public, without signing in ----------------------------------------------------
  await session(browser, opts, SESSION, desktop, 'public', async (s) => {
    const { page, step, byTestId } = s
    await step('public-notices', async () => {
      await page.goto('/notices')
      await byTestId('public-notice-link').filter({ hasText: noticeTitle }).click()
      await page.waitForURL((url) => /^\/notices\/[^/]+$/.test(url.pathname))
      const title = await byTestId('public-notice-title').innerText()
      if (!title.includes(noticeTitle)) throw new ProjectsStepError(`notice title "${title}"`)
      await byTestId('public-notice-item').first().waitFor({ state: 'visible' })
      await byTestId('objection-content').waitFor({ state: 'visible' })
    })
  })

  // ---- the recommending unit on a phone: the completion review (验收) -------------------------
  await session(
    browser,
    opts,
    SESSION,
    { width: 390, height: 844, mobile: true },
    'recommender',
    async (s) => {
      const { page, step, byTestId, field, login } = s
      await step('projects-list', async () => {
        await login(RECOMMENDER, DEMO_PASSWORD)
        await page.goto('/grants/projects')
        await byTestId('project-row').filter({ hasText: PROJECT_TITLE }).first().waitFor()
      })
      await step('project-detail', async () => {
        await byTestId('project-row').filter({ hasText: PROJECT_TITLE }).first().click()
        await page.waitForURL((url) => /^\/grants\/projects\/[^/]+$/.test(url.pathname))
        await byTestId('project-summary').waitFor({ state: 'visible' })
      })
      await step('completion-report', async () => {
        await page.locator('#tab-completion').click()
        const report = byTestId('report-completion')
        const state = report.locator('[data-testid="report-state"]')
        await state.waitFor()
        const status = await state.getAttribute('data-status')
        if (status !== 'submitted') {
          throw new ProjectsStepError(
            `the completion report is "${status}", not submitted (run against a fresh --demo server)`,
          )
        }
        await report.locator('[data-testid="report-pass"]').click()
        await field('decision-comment').fill('已完成全部考核指标，资料齐全，同意通过结题验收。')
      })
      await step('completion-passed', async () => {
        await byTestId('decision-confirm').click()
        await byTestId('report-completion')
          .locator('[data-testid="report-state"][data-status="passed"]')
          .waitFor()
        const comment = await byTestId('report-completion')
          .locator('[data-testid="report-comment"]')
          .innerText()
        if (!comment.includes('同意通过结题验收')) {
          throw new ProjectsStepError(`the recorded comment reads "${comment}"`)
        }
      })
    },
  )
}
