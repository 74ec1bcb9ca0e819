import { afterEach, describe, expect, it, vi } from 'vitest'

import {
  applyCsrf,
  createApiClient,
  CSRF_HEADER,
  queryString,
  readCookie,
  unwrap,
} from '../api/client'
import { ApiError, NETWORK_ERROR } from '../api/errors'
import { setLocale } from '../i18n'

const BASE = 'http://kc.test/api/v1'

function problem(status: number, body: Record<string, unknown>): Response {
  return new Response(JSON.stringify({ status, ...body }), {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
  })
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

/** A client whose fetch records requests and answers with `respond`. */
function harness(respond: (request: Request) => Response | Promise<Response>, cookies = '') {
  const requests: Request[] = []
  const onUnauthenticated = vi.fn()
  const client = createApiClient({
    baseUrl: BASE,
    cookies: () => cookies,
    onUnauthenticated,
    fetch: async (request: Request) => {
      requests.push(request)
      return respond(request)
    },
  })
  return { client, requests, onUnauthenticated }
}

afterEach(() => {
  setLocale('zh-CN')
})

describe('cookies', () => {
  it('reads one cookie among several, decoding it', () => {
    expect(readCookie('kc_csrf', 'a=1; kc_csrf=abc%3D%3D; b=2')).toBe('abc==')
    expect(readCookie('kc_csrf', 'kc_csrf_other=x')).toBeNull()
    expect(readCookie('kc_csrf', '')).toBeNull()
  })
})

describe('CSRF middleware', () => {
  it('adds X-CSRF-Token from the kc_csrf cookie on non-GET requests', async () => {
    const { client, requests } = harness(
      () => new Response(null, { status: 204 }),
      'kc_csrf=tok123',
    )
    await unwrap(client.POST('/auth/logout'))
    expect(requests[0]?.method).toBe('POST')
    expect(requests[0]?.headers.get(CSRF_HEADER)).toBe('tok123')
  })

  it('leaves GET requests alone', async () => {
    const { client, requests } = harness(() => json([]), 'kc_csrf=tok123')
    await unwrap(client.GET('/public/districts'))
    expect(requests[0]?.headers.get(CSRF_HEADER)).toBeNull()
  })

  it('sends nothing when there is no cookie (login, registration)', () => {
    const request = applyCsrf(new Request(`${BASE}/auth/login`, { method: 'POST' }), 'x=1')
    expect(request.headers.has(CSRF_HEADER)).toBe(false)
  })

  it('sends the UI language', async () => {
    setLocale('en')
    const { client, requests } = harness(() => json([]))
    await unwrap(client.GET('/public/districts'))
    expect(requests[0]?.headers.get('Accept-Language')).toBe('en')
  })
})

describe('error middleware', () => {
  it('turns problem+json into an ApiError with the message in the current locale', async () => {
    const body = {
      code: 'validation_failed',
      message_zh: '请检查填写的内容',
      message_en: 'Please check the highlighted fields',
      errors: [
        {
          field: 'new_organisation.credit_code',
          code: 'credit_code_check_digit',
          message_zh: '校验位错误',
          message_en: 'Wrong check digit',
        },
      ],
    }
    const { client } = harness(() => problem(422, body))
    const zh = await unwrap(client.GET('/public/districts')).catch((e: unknown) => e)
    expect(zh).toBeInstanceOf(ApiError)
    const error = zh as ApiError
    expect(error.status).toBe(422)
    expect(error.code).toBe('validation_failed')
    expect(error.message).toBe('请检查填写的内容')
    expect(error.fieldErrors[0]?.field).toBe('new_organisation.credit_code')

    setLocale('en')
    const en = (await unwrap(client.GET('/public/districts')).catch((e: unknown) => e)) as ApiError
    expect(en.message).toBe('Please check the highlighted fields')
    expect(error.localizedMessage('en')).toBe('Please check the highlighted fields')
  })

  it('keeps the extra members of a problem (reason, locked_until, retry_after_seconds)', async () => {
    const { client } = harness(() =>
      problem(403, {
        code: 'account_rejected',
        message_zh: '未通过',
        message_en: 'Rejected',
        reason: '资料不全',
      }),
    )
    const error = (await unwrap(
      client.POST('/auth/login', { body: { login: 'a', password: 'b' } }),
    ).catch((e: unknown) => e)) as ApiError
    expect(error.code).toBe('account_rejected')
    expect(error.problem.reason).toBe('资料不全')
  })

  it('translates the code itself when the body is not a problem (e.g. a proxy error page)', async () => {
    const { client } = harness(() => new Response('<html>Bad gateway</html>', { status: 502 }))
    const error = (await unwrap(client.GET('/public/districts')).catch(
      (e: unknown) => e,
    )) as ApiError
    expect(error.code).toBe('unknown_error')
    expect(error.message).toBe('操作失败，请稍后重试')
  })

  it('reports an unreachable server as network_error', async () => {
    const { client } = harness(() => {
      throw new TypeError('Failed to fetch')
    })
    const error = (await unwrap(client.GET('/public/districts')).catch(
      (e: unknown) => e,
    )) as ApiError
    expect(error).toBeInstanceOf(ApiError)
    expect(error.code).toBe(NETWORK_ERROR)
  })

  it('calls the 401 handler when a session ends', async () => {
    const { client, onUnauthenticated } = harness(() =>
      problem(401, { code: 'unauthenticated', message_zh: '请登录', message_en: 'Log in' }),
    )
    await expect(unwrap(client.GET('/me/api-tokens'))).rejects.toBeInstanceOf(ApiError)
    expect(onUnauthenticated).toHaveBeenCalledTimes(1)
  })

  it('does not treat the session probe or a wrong password as an ended session', async () => {
    const { client, onUnauthenticated } = harness((request) =>
      request.url.endsWith('/me')
        ? problem(401, { code: 'unauthenticated' })
        : problem(401, { code: 'invalid_credentials' }),
    )
    await expect(unwrap(client.GET('/me'))).rejects.toBeInstanceOf(ApiError)
    await expect(
      unwrap(client.POST('/auth/login', { body: { login: 'a', password: 'b' } })),
    ).rejects.toMatchObject({ code: 'invalid_credentials' })
    expect(onUnauthenticated).not.toHaveBeenCalled()
  })

  it('returns data on success and undefined for 204', async () => {
    const { client } = harness((request) =>
      request.method === 'GET'
        ? json([{ code: '510302', name_zh: '自流井区', name_en: 'Ziliujing' }])
        : new Response(null, { status: 204 }),
    )
    const districts = await unwrap(client.GET('/public/districts'))
    expect(districts[0]?.name_zh).toBe('自流井区')
    expect(await unwrap(client.POST('/auth/logout'))).toBeUndefined()
  })
})

describe('queryString', () => {
  it('skips empty values', () => {
    expect(queryString({ q: '', status: 'pending', page: 1, role: undefined })).toBe(
      '?status=pending&page=1',
    )
    expect(queryString({})).toBe('')
  })
})
