// Grants scenario, run by run.mjs after the identity one (same browser, same server):
//
// 390×844  applicant (demo unit applicant, routed to 自流井区科技局) starts an application in
//          the demo call zg2021 (医疗卫生及社会民生专项 / 医疗卫生项目), fills every required
//          field of the configured form, uploads a generated PDF into the required file
//          field, runs the eligibility check, submits and sees "已提交".
// 1280×800 ziliujing (the district recommender) finds it in the queue, recommends it and
//          downloads the summary table (an .xlsx: a zip starting with "PK") and opens the
//          printable recommendation letter and summary table.
// 1280×800 admin (bureau) accepts it in the intake queue and sees "已受理".
//
// Each run uses a fresh PI id number (the call allows one project per PI) whose birth date
// makes the PI 31–50 years old (the sub-type's rule: applicant.age <= 60).
// Screenshots go to <out>/grants-<nn>-<step>.png.

import { readFile } from 'node:fs/promises'
import { session } from './session.mjs'

const DEMO_PASSWORD = process.env.KC_E2E_DEMO_PASSWORD ?? 'Demo#2026kc'
const APPLICANT = process.env.KC_E2E_APPLICANT ?? 'applicant'
const RECOMMENDER = process.env.KC_E2E_RECOMMENDER ?? 'ziliujing'
const CALL_TITLE = '2021年度自贡市重点科技计划项目'
const CATEGORY = '医疗卫生及社会民生专项'
const SUBTYPE = '医疗卫生项目'

export class GrantsStepError extends Error {}

const SESSION = { scenario: 'grants', StepError: GrantsStepError }

// ---- resident id numbers (GB 11643-1999) -----------------------------------------------------
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

export function idCheckDigit(first17) {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]
  return ID_CHECK[sum % 11]
}

/** A valid 18-digit id of someone born in 自流井区 (510302) between 31 and 50 years ago. */
export function randomResidentId(today = new Date()) {
  const year = today.getFullYear() - 31 - Math.floor(Math.random() * 20)
  const month = 1 + Math.floor(Math.random() * 12)
  const day = 1 + Math.floor(Math.random() * 28)
  const pad = (n, w) => String(n).padStart(w, '0')
  const sequence = pad(Math.floor(Math.random() * 1000), 3)
  const first17 = `510302${year}${pad(month, 2)}${pad(day, 2)}${sequence}`
  return first17 + idCheckDigit(first17)
}

/** The smallest well-formed PDF: one empty page. */
export function minimalPdf() {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ]
  let body = '%PDF-1.4\n'
  const offsets = []
  objects.forEach((text, i) => {
    offsets.push(body.length)
    body += `${i + 1} 0 obj\n${text}\nendobj\n`
  })
  const xref = body.length
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

function dayAfter(days) {
  const d = new Date(Date.now() + days * 24 * 3600 * 1000)
  return d.toISOString().slice(0, 10)
}

/**
 * Runs the scenario. `options`: { baseUrl, outDir, timeout, admin: {login, password}, log }.
 */
export async function runGrants(browser, options) {
  const opts = { ...options, counter: { n: 0 } }
  const suffix = `${Date.now().toString(36)}`
  const title = `E2E 基层医疗卫生项目 ${suffix}`
  const idNumber = randomResidentId()
  opts.log(`  · grants: application "${title}", PI id ${idNumber}`)

  // ---- applicant on a phone --------------------------------------------------------------
  await session(
    browser,
    opts,
    SESSION,
    { width: 390, height: 844, mobile: true },
    'applicant',
    async (s) => {
      const { page, step, byTestId, input, login } = s
      const option = (text) =>
        page.locator('.el-select-dropdown__item:visible', { hasText: text }).first()

      await step('applicant-new', async () => {
        await login(APPLICANT, DEMO_PASSWORD)
        await page.goto('/grants/applications')
        await byTestId('new-application').click()
        await byTestId('new-call').waitFor({ state: 'visible' })
        // The open calls arrive after the dialog opens; then the open one is chosen for you.
        await byTestId('new-call')
          .filter({ hasText: CALL_TITLE })
          .waitFor()
          .catch(async () => {
            const call = await byTestId('new-call').innerText()
            throw new GrantsStepError(`call select shows "${call}"`)
          })
        await byTestId('new-category').click()
        await option(CATEGORY).click()
        await byTestId('new-subtype').locator('.el-radio', { hasText: SUBTYPE }).click()
        await input('new-title').fill(title)
      })

      await step('applicant-form', async () => {
        await byTestId('new-create').click()
        await page.waitForURL(/\/grants\/applications\/[0-9a-f-]{36}/)
        await byTestId('dynamic-form').waitFor({ state: 'visible' })
        for (const key of ['project_name', 'field', 'summary', 'requested_fen', 'pi', 'proposal']) {
          const required = await byTestId(`field-${key}`).getAttribute('class')
          if (!required?.includes('is-required')) {
            throw new GrantsStepError(`field ${key} is not marked required`)
          }
        }
      })

      await step('applicant-filled', async () => {
        await input('f-project_name').fill('基层医院慢病管理信息化示范')
        await byTestId('f-field').click()
        await page.locator('[data-testid="f-field-opt-health"]:visible').click()
        await page
          .locator('textarea[data-testid="f-summary"]')
          .fill('面向自流井区基层医疗机构，建设慢病随访与转诊信息平台，提高慢病规范管理率。')
        const counter = await byTestId('f-summary-count').innerText()
        if (!/\d+ \/ 1500/.test(counter)) throw new GrantsStepError(`counter shows "${counter}"`)
        await page
          .locator('textarea[data-testid="f-targets"]')
          .fill('覆盖 10 家基层医疗机构；慢病规范管理率提高 15%；发表论文 2 篇。')
        for (const [key, value] of [
          ['start_date', dayAfter(30)],
          ['end_date', dayAfter(30 + 365)],
        ]) {
          const box = input(`field-${key}`)
          await box.click()
          await box.fill(value)
          await box.press('Enter')
        }
        await input('field-requested_fen').fill('0.8')
        await input('field-requested_fen').press('Tab')
        await input('field-self_funding_fen').fill('0.5')
        await input('field-self_funding_fen').press('Tab')
        await input('f-pi-name').fill('王医生')
        await input('f-pi-id_number').fill(idNumber)
        await input('f-pi-title').fill('副主任医师')
        await byTestId('f-members-add').click()
        await input('f-members-0-name').fill('李护士长')
        await input('f-members-0-role').fill('随访管理')
        await page.keyboard.press('Escape').catch(() => {})
      })

      await step('applicant-uploaded', async () => {
        await page.locator('input[data-testid="f-proposal-input"]').setInputFiles({
          name: '申报书.pdf',
          mimeType: 'application/pdf',
          buffer: minimalPdf(),
        })
        const file = byTestId('f-proposal-file')
        await file.waitFor({ state: 'visible' })
        if ((await file.innerText()).trim() !== '申报书.pdf') {
          throw new GrantsStepError(`uploaded file shows "${await file.innerText()}"`)
        }
      })

      await step('applicant-eligible', async () => {
        await byTestId('check').click()
        const rules = byTestId('eligibility-rules')
        await rules.waitFor({ state: 'visible' })
        const dialog = page.locator('.el-dialog:visible', { has: rules })
        const text = await dialog.innerText()
        if (!text.includes('全部条件满足')) {
          throw new GrantsStepError(`eligibility check did not pass: ${text.replace(/\s+/g, ' ')}`)
        }
      })

      await step('applicant-submitted', async () => {
        await page.keyboard.press('Escape')
        await byTestId('eligibility-rules').waitFor({ state: 'hidden' })
        await byTestId('submit').click()
        await page.locator('.el-message-box__btns .el-button--primary').click()
        await byTestId('application-readonly').waitFor({ state: 'visible' })
        const status = await page.locator('.editor__head .el-tag').first().innerText()
        if (status.trim() !== '已提交') throw new GrantsStepError(`status shows "${status}"`)
        const shown = await byTestId('f-proposal-file').innerText()
        if (shown.trim() !== '申报书.pdf')
          throw new GrantsStepError('the read-only view lacks the file')
      })
    },
  )

  // ---- recommender on a desktop ----------------------------------------------------------
  await session(
    browser,
    opts,
    SESSION,
    { width: 1280, height: 800, mobile: false },
    'recommender',
    async (s) => {
      const { page, step, byTestId, login } = s
      const row = () => page.locator('.el-table__body tr', { hasText: title }).first()

      await step('recommender-queue', async () => {
        await login(RECOMMENDER, DEMO_PASSWORD)
        await page.goto('/grants/recommender')
        await row().waitFor({ state: 'visible' })
        const quotas = await byTestId('quota-use').innerText()
        if (!quotas.includes('1 / 2')) {
          throw new GrantsStepError(`the district's medical quota use reads: ${quotas}`)
        }
      })

      await step('recommender-recommended', async () => {
        await row().locator('[data-testid="recommend"]').click()
        await page.locator('[data-testid="decision-confirm"]:visible').click()
        await page.locator('.el-message--success').waitFor({ state: 'visible' })
        await row().waitFor({ state: 'detached' })
      })

      await step('recommender-summary', async () => {
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          byTestId('summary-table').click(),
        ])
        const file = await download.path()
        const bytes = await readFile(file)
        if (bytes.length === 0 || bytes.subarray(0, 2).toString('latin1') !== 'PK') {
          throw new GrantsStepError(`the summary table is not an xlsx (${bytes.length} bytes)`)
        }
        if (!download.suggestedFilename().endsWith('.xlsx')) {
          throw new GrantsStepError(`the summary table is named ${download.suggestedFilename()}`)
        }
        opts.log(`  · summary table ${download.suggestedFilename()}: ${bytes.length} bytes`)
      })

      await step('recommender-print', async () => {
        await byTestId('print-documents').click()
        const letter = byTestId('letter')
        await letter.waitFor({ state: 'visible' })
        const text = await letter.innerText()
        if (!text.includes('关于推荐') || !text.includes('自贡市科学技术局')) {
          throw new GrantsStepError(`the recommendation letter reads: ${text}`)
        }
        const table = await byTestId('summary-table').innerText()
        if (!table.includes(title)) {
          throw new GrantsStepError('the printable summary table lacks the recommended project')
        }
      })
    },
  )

  // ---- bureau on a desktop ---------------------------------------------------------------
  await session(
    browser,
    opts,
    SESSION,
    { width: 1280, height: 800, mobile: false },
    'bureau',
    async (s) => {
      const { page, step, login } = s
      const row = () => page.locator('.el-table__body tr', { hasText: title }).first()

      await step('bureau-intake', async () => {
        await login(opts.admin.login, opts.admin.password)
        await page.goto('/grants/intake')
        await row().waitFor({ state: 'visible' })
        const counters = await page.locator('[data-testid="counters"]').innerText()
        if (!/已推荐\s*[1-9]/.test(counters)) {
          throw new GrantsStepError(`the live counters read: ${counters}`)
        }
      })

      await step('bureau-accepted', async () => {
        await row().locator('[data-testid="accept"]').click()
        await page.locator('[data-testid="decision-confirm"]:visible').click()
        await page.locator('.el-message--success').waitFor({ state: 'visible' })
        await page.goto('/grants/intake?status=accepted')
        await row().waitFor({ state: 'visible' })
        const status = await row().locator('.el-tag').first().innerText()
        if (status.trim() !== '已受理') throw new GrantsStepError(`status shows "${status}"`)
      })
    },
  )
}
