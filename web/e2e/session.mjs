// One browser session of an e2e scenario: a fresh context at a viewport, numbered
// screenshots per step (`<scenario>-NN-<step>.png`), and on failure a screenshot plus the
// page errors, console errors and failed API calls seen — shared by grants.mjs and projects.mjs.

import { resolve } from 'node:path'

/**
 * Runs `fn` in a new context. `scenario` names the screenshots and log lines; `StepError`
 * is the error class thrown on failure. `fn` gets
 * `{ page, context, step, byTestId, input, field, login }`.
 */
export async function session(browser, options, { scenario, StepError }, viewport, name, fn) {
  const context = await browser.newContext({
    baseURL: options.baseUrl,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: viewport.width, height: viewport.height },
    isMobile: viewport.mobile,
    hasTouch: viewport.mobile,
    deviceScaleFactor: 1,
    acceptDownloads: true,
  })
  context.setDefaultTimeout(options.timeout)
  const page = await context.newPage()
  const problems = []
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
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
  let current = ''
  const step = async (stepName, body) => {
    options.counter.n += 1
    current = stepName
    const started = Date.now()
    await body()
    await page.waitForTimeout(350) // let Element Plus transitions finish
    const no = String(options.counter.n).padStart(2, '0')
    await page.screenshot({
      path: resolve(options.outDir, `${scenario}-${no}-${stepName}.png`),
      fullPage: true,
    })
    options.log(
      `  ✓ ${scenario} ${viewport.width}x${viewport.height} ${no} ${stepName} (${Date.now() - started} ms)`,
    )
  }
  const byTestId = (id) => page.locator(`[data-testid="${id}"]`)
  const input = (id) =>
    page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first()
  const field = (id) =>
    page
      .locator(
        `input[data-testid="${id}"], textarea[data-testid="${id}"], [data-testid="${id}"] input, [data-testid="${id}"] textarea`,
      )
      .first()
  const login = async (user, password) => {
    await page.goto('/login')
    await input('login-username').fill(user)
    await input('login-password').fill(password)
    await byTestId('login-submit').click()
    await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  }
  try {
    await fn({ page, context, step, byTestId, input, field, login })
  } catch (error) {
    await page
      .screenshot({
        path: resolve(options.outDir, `${scenario}-FAILED-${name}-${current}.png`),
        fullPage: true,
      })
      .catch(() => {})
    throw new StepError(
      [
        `${scenario} ${name}: step "${current}" failed at ${page.url()}`,
        `  ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        ...problems.slice(-10).map((p) => `  ${p}`),
      ].join('\n'),
    )
  } finally {
    await context.close()
  }
}
