// End-to-end scenario in Debian's Chromium through playwright-core (no browser download).
//
//   KC_E2E_BASE_URL=http://127.0.0.1:8080 npm run e2e
//
// At 1280×800 and again at 390×844, with fresh usernames each run:
// register a unit applicant with a new organisation (random valid credit code) and the
// suggested recommending unit → login says "pending" → the demo bureau admin approves the
// account in the approval queue → logs out → the applicant logs in and sees /me "active".
// Screenshots of every step go to ../target/e2e/<viewport>-<step>.png.
// Then the grants scenario (grants.mjs): apply → recommend → accept, screenshots grants-*.png;
// the review scenario (review.mjs) on the demo's showcase call: an expert scores on a phone,
// the bureau ranks and proposes funding (review-*.png); and the funding/project scenario
// (projects.mjs) on the same call: publish the public notice, read it signed out, record a
// completion review (projects-*.png).

import { mkdir } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { chromium } from 'playwright-core'

import { runGrants } from './grants.mjs'
import { runProjects } from './projects.mjs'
import { runReview } from './review.mjs'

const HERE = dirname(fileURLToPath(import.meta.url))
const BASE_URL = (process.env.KC_E2E_BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '')
const OUT_DIR = resolve(process.env.KC_E2E_OUT_DIR ?? resolve(HERE, '../../target/e2e'))
const CHROMIUM = process.env.KC_E2E_CHROMIUM ?? '/usr/bin/chromium'
const ADMIN = {
  login: process.env.KC_E2E_ADMIN_LOGIN ?? 'admin',
  password: process.env.KC_E2E_ADMIN_PASSWORD ?? 'Admin#2026kc',
}
const HEADED = process.env.KC_E2E_HEADED === '1'
const TIMEOUT = Number(process.env.KC_E2E_TIMEOUT_MS ?? 15_000)

const VIEWPORTS = [
  { name: '1280x800', width: 1280, height: 800, mobile: false },
  { name: '390x844', width: 390, height: 844, mobile: true },
]

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

// ---- credit codes (GB 32100-2015), same rule as src/contexts/identity/utils/creditCode.ts ----
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

function randomCreditCode() {
  let prefix = '91510300' // 9 = registered with market regulation, 1 = enterprise, 510300 = 自贡
  while (prefix.length < 17) prefix += CHARSET[Math.floor(Math.random() * 31)]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += CHARSET.indexOf(prefix[i]) * WEIGHTS[i]
  return prefix + CHARSET[(31 - (sum % 31)) % 31]
}

function randomDigits(n) {
  let s = ''
  while (s.length < n) s += Math.floor(Math.random() * 10)
  return s
}

// ---- reporting ---------------------------------------------------------------------------
class StepError extends Error {}

function log(message) {
  process.stdout.write(`${message}\n`)
}

/** Picks a district whose enterprises get a recommending unit by the routing rules. */
async function pickDistrict(request) {
  const api = `${BASE_URL}/api/v1`
  const districtsResponse = await request.get(`${api}/public/districts`)
  if (!districtsResponse.ok()) {
    throw new StepError(`GET /public/districts answered ${districtsResponse.status()}`)
  }
  const districts = await districtsResponse.json()
  const recommendersResponse = await request.get(`${api}/public/recommenders`)
  const recommenders = recommendersResponse.ok() ? await recommendersResponse.json() : []
  const withOffice = new Set(
    recommenders.filter((r) => r.kind === 'district_office' && r.district).map((r) => r.district),
  )
  const candidates = [
    ...districts.filter((d) => withOffice.has(d.code)),
    ...districts.filter((d) => !withOffice.has(d.code)),
  ]
  for (const district of candidates) {
    const query = new URLSearchParams({ org_type: 'enterprise', district: district.code })
    const response = await request.get(`${api}/public/recommender-suggestion?${query}`)
    if (response.ok()) {
      const suggestion = await response.json()
      return { district, suggestion }
    }
  }
  throw new StepError(
    'no district gives enterprises a recommending unit: the demo data needs a district S&T office and a routing rule "enterprise → district"',
  )
}

async function scenario(browser, viewport) {
  const suffix = `${Date.now().toString(36)}${randomDigits(3)}`
  const username = `e2e_${viewport.mobile ? 'p' : 'd'}_${suffix}`
  const password = `Kc#${randomDigits(4)}e2e-Test`
  const orgName = `E2E测试科技有限公司${suffix}`
  const creditCode = randomCreditCode()

  const context = await browser.newContext({
    baseURL: BASE_URL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: viewport.width, height: viewport.height },
    isMobile: viewport.mobile,
    hasTouch: viewport.mobile,
    deviceScaleFactor: 1,
  })
  context.setDefaultTimeout(TIMEOUT)
  const page = await context.newPage()
  const problems = []
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    // "Failed to load resource" repeats the HTTP errors the app expects (401 from /me for visitors).
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${message.text()}`)
    }
  })
  page.on('response', (response) => {
    const url = response.url()
    if (response.status() >= 400 && url.includes('/api/') && !url.endsWith('/api/v1/me')) {
      problems.push(`HTTP ${response.status()} ${response.request().method()} ${url}`)
    }
  })

  let stepNo = 0
  let current = ''
  const shot = async (name) => {
    await page.waitForTimeout(350) // let Element Plus transitions finish
    const file = resolve(OUT_DIR, `${viewport.name}-${String(stepNo).padStart(2, '0')}-${name}.png`)
    await page.screenshot({ path: file, fullPage: true })
  }
  const step = async (name, fn) => {
    stepNo += 1
    current = name
    const started = Date.now()
    await fn()
    await shot(name)
    log(
      `  ✓ ${viewport.name} ${String(stepNo).padStart(2, '0')} ${name} (${Date.now() - started} ms)`,
    )
  }
  const byTestId = (id) => page.locator(`[data-testid="${id}"]`)
  /** The <input> of an el-input (Element Plus puts the attributes on the input itself). */
  const input = (id) =>
    page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first()
  /** Opens an el-select and clicks one of its options (options are teleported to <body>). */
  const choose = async (selectTestId, optionTestId) => {
    await byTestId(selectTestId).click()
    const option = page.locator(`[data-testid="${optionTestId}"]:visible`)
    await option.click()
    await page.keyboard.press('Escape').catch(() => {})
  }
  const login = async (loginName, secret) => {
    await page.goto('/login')
    await input('login-username').fill(loginName)
    await input('login-password').fill(secret)
    await byTestId('login-submit').click()
  }

  try {
    const { district, suggestion } = await pickDistrict(context.request)
    log(
      `  · ${viewport.name}: user ${username}, credit code ${creditCode}, district ${district.code} → ${suggestion.recommender_name}`,
    )

    await step('register-type', async () => {
      await page.goto('/register')
      // A leftover draft from an earlier run in this tab would be restored; start clean.
      await page.evaluate(() => sessionStorage.clear())
      await page.reload()
      await byTestId('reg-type-unit_applicant').click()
      await page.waitForFunction(() =>
        document
          .querySelector('[data-testid="reg-type-unit_applicant"]')
          ?.classList.contains('is-checked'),
      )
    })

    await step('register-organisation', async () => {
      await byTestId('reg-next').click()
      await byTestId('reg-org-mode-new').click()
      await input('reg-org-name').fill(orgName)
      await input('reg-org-credit-code').fill(creditCode)
      await choose('reg-org-type', 'reg-org-type-enterprise')
      await choose('reg-org-district', `reg-org-district-${district.code}`)
      await input('reg-org-capital').fill('500')
      await input('reg-org-name').click() // blur → validate
    })

    await step('register-recommender', async () => {
      await byTestId('reg-next').click()
      const alert = byTestId('reg-suggestion')
      await alert.waitFor({ state: 'visible' })
      const text = await alert.innerText()
      if (!text.includes(suggestion.recommender_name)) {
        throw new StepError(`suggestion shows "${text}", expected ${suggestion.recommender_name}`)
      }
      const selected = await byTestId('reg-recommender').innerText()
      if (!selected.includes(suggestion.recommender_name)) {
        throw new StepError(`the recommending unit select shows "${selected}", not the suggestion`)
      }
    })

    await step('register-account', async () => {
      await byTestId('reg-next').click()
      await input('reg-username').fill(username)
      await input('reg-display-name').fill(`测试员${suffix.slice(-4)}`)
      await input('reg-phone').fill(`139${randomDigits(8)}`)
      await input('reg-email').fill(`${username}@example.com`)
      await input('reg-password').fill(password)
      await input('reg-password-confirm').fill(password)
    })

    await step('register-done', async () => {
      await byTestId('reg-submit').click()
      await byTestId('reg-done').waitFor({ state: 'visible' })
      if (!page.url().includes('/register/done')) throw new StepError(`ended on ${page.url()}`)
    })

    await step('login-pending', async () => {
      await login(username, password)
      const alert = page.locator('[data-testid="login-alert"][data-code="account_pending"]')
      await alert.waitFor({ state: 'visible' })
    })

    await step('admin-approvals', async () => {
      await login(ADMIN.login, ADMIN.password)
      await page.waitForURL(/\/admin\/approvals/)
      // On phones the filter form is folded away behind a toggle.
      const toggle = byTestId('table-filters-toggle')
      if (await toggle.isVisible()) await toggle.click()
      await input('approvals-q').fill(username)
      await byTestId('table-search').click()
      await page.waitForURL(new RegExp(`[?&]q=${username}`))
      await byTestId(`approve-${username}`).waitFor({ state: 'visible' })
    })

    await step('admin-approve-confirm', async () => {
      await byTestId(`approve-${username}`).click()
      await page.locator('.kc-confirm-approve').waitFor({ state: 'visible' })
    })

    await step('admin-approved', async () => {
      await page.locator('.kc-confirm-approve').click()
      await page.locator('.el-message--success').waitFor({ state: 'visible' })
      await byTestId(`approve-${username}`).waitFor({ state: 'detached' })
    })

    await step('admin-logged-out', async () => {
      await byTestId('user-menu').click()
      await page.locator('[data-testid="logout"]:visible').click()
      await page.waitForURL(/\/login/)
    })

    await step('applicant-home', async () => {
      await login(username, password)
      // An active applicant lands on their applications.
      await page.waitForURL(/\/grants\/applications(\?|$)/)
    })

    await step('applicant-active', async () => {
      await page.goto(`${BASE_URL}/me`)
      await page.waitForURL(/\/me(\?|$)/)
      await page
        .locator('[data-testid="me-status"][data-status="active"]')
        .waitFor({ state: 'visible' })
      const shown = await byTestId('me-username').innerText()
      if (shown.trim() !== username) throw new StepError(`/me shows user "${shown}"`)
    })
  } catch (error) {
    await page
      .screenshot({
        path: resolve(OUT_DIR, `${viewport.name}-FAILED-${current}.png`),
        fullPage: true,
      })
      .catch(() => {})
    const lines = [
      `${viewport.name}: step "${current}" failed at ${page.url()}`,
      `  ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      ...problems.slice(-10).map((p) => `  ${p}`),
    ]
    throw new StepError(lines.join('\n'))
  } finally {
    await context.close()
  }
}

/** Fails early, and clearly, when the server is not up or does not serve the web app. */
async function checkServer() {
  let response
  try {
    response = await fetch(`${BASE_URL}/api/v1/public/districts`)
  } catch (error) {
    throw new StepError(
      `cannot reach ${BASE_URL} (${error instanceof Error ? error.message : error}); start the server or set KC_E2E_BASE_URL`,
    )
  }
  if (!response.ok)
    throw new StepError(`GET ${BASE_URL}/api/v1/public/districts answered ${response.status}`)
  const html = await (await fetch(`${BASE_URL}/login`)).text()
  if (!html.includes('<div id="app">')) {
    throw new StepError(
      `${BASE_URL}/login does not serve the web app (build web/dist and rebuild the server)`,
    )
  }
}

async function main() {
  await mkdir(OUT_DIR, { recursive: true })
  log(`e2e against ${BASE_URL}; screenshots in ${OUT_DIR}`)
  await checkServer()
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: !HEADED,
    args: HEADED ? CHROMIUM_ARGS.filter((a) => a !== '--headless') : CHROMIUM_ARGS,
  })
  let failed = false
  try {
    for (const viewport of VIEWPORTS) {
      try {
        await scenario(browser, viewport)
      } catch (error) {
        failed = true
        process.stderr.write(`✗ ${error instanceof Error ? error.message : String(error)}\n`)
      }
    }
    const options = { baseUrl: BASE_URL, outDir: OUT_DIR, timeout: TIMEOUT, admin: ADMIN, log }
    // Each later stage runs on the demo's showcase call, so one failing does not stop the next.
    const stages = [
      ['grants', runGrants],
      ['review', runReview],
      ['projects', runProjects],
    ]
    for (const [name, run] of stages) {
      if (process.env.KC_E2E_SKIP_GRANTS === '1') break
      try {
        await run(browser, options)
      } catch (error) {
        failed = true
        process.stderr.write(
          `✗ ${name}: ${error instanceof Error ? error.message : String(error)}\n`,
        )
      }
    }
  } finally {
    await browser.close()
  }
  if (failed) {
    process.stderr.write('e2e FAILED\n')
    process.exit(1)
  }
  log('e2e passed')
}

main().catch((error) => {
  const text =
    error instanceof StepError
      ? error.message
      : error instanceof Error
        ? error.stack
        : String(error)
  process.stderr.write(`e2e could not run: ${text}\n`)
  process.exit(1)
})
