import createClient, { type Middleware } from 'openapi-fetch'
import type {
  PathsWithMethod,
  RequestBodyJSON,
  SuccessResponseJSON,
} from 'openapi-typescript-helpers'

import { currentLocale } from '../i18n'
import { ApiError, NETWORK_ERROR, parseProblem, type Problem } from './errors'
import type { paths } from './schema'

/**
 * The generated paths, relative to `/api/v1`. Whether the server's OpenAPI document lists
 * `/auth/login` (with `servers: [{url: "/api/v1"}]`) or `/api/v1/auth/login`, the client
 * code is written against `/auth/login`.
 */
type StripPrefix<P> = {
  [K in keyof P as K extends `/api/v1${infer Rest extends string}` ? Rest : K]: P[K]
}
export type ApiPaths = StripPrefix<paths>

/** What a successful call of `path` / `method` returns. */
export type ResponseOf<
  P extends keyof ApiPaths,
  M extends keyof ApiPaths[P] & ('get' | 'post' | 'put' | 'delete'),
> = SuccessResponseJSON<ApiPaths[P][M] & Record<string | number, unknown>>

/** The JSON body `path` / `method` takes. */
export type BodyOf<
  P extends keyof ApiPaths,
  M extends keyof ApiPaths[P] & ('post' | 'put'),
> = RequestBodyJSON<ApiPaths[P][M]>

export type GetPath = PathsWithMethod<ApiPaths, 'get'>

export const API_BASE = '/api/v1'
export const CSRF_COOKIE = 'kc_csrf'
export const CSRF_HEADER = 'X-CSRF-Token'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Reads one cookie from a `document.cookie`-style string. */
export function readCookie(name: string, cookies: string): string | null {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim()
      try {
        return decodeURIComponent(value)
      } catch {
        return value
      }
    }
  }
  return null
}

const browserCookies = (): string => (typeof document === 'undefined' ? '' : document.cookie)

/** Adds `X-CSRF-Token` (from the `kc_csrf` cookie) to every non-GET request. */
export function applyCsrf(request: Request, cookies: string): Request {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return request
  const token = readCookie(CSRF_COOKIE, cookies)
  if (token && !request.headers.has(CSRF_HEADER)) request.headers.set(CSRF_HEADER, token)
  return request
}

export type UnauthenticatedHandler = () => void

let unauthenticatedHandler: UnauthenticatedHandler | null = null

/** The app registers what to do when the session has ended (go to the login page). */
export function setUnauthenticatedHandler(handler: UnauthenticatedHandler | null): void {
  unauthenticatedHandler = handler
}

/** The session probe (`GET /me`) answers 401 for visitors; that is not an expired session. */
function isSessionProbe(method: string, schemaPath: string): boolean {
  return method.toUpperCase() === 'GET' && schemaPath === '/me'
}

export async function readProblem(response: Response): Promise<Problem> {
  let body: unknown = null
  try {
    body = await response.clone().json()
  } catch {
    body = null
  }
  return parseProblem(body, response.status)
}

/** Builds the ApiError for a failed response and runs the 401 handler when it applies. */
export async function failure(
  response: Response,
  method: string,
  schemaPath: string,
  onUnauthenticated: UnauthenticatedHandler | null = unauthenticatedHandler,
): Promise<ApiError> {
  const problem = await readProblem(response)
  if (problem.status === 401 && problem.code !== 'invalid_credentials') {
    if (!isSessionProbe(method, schemaPath)) onUnauthenticated?.()
  }
  return new ApiError(problem)
}

export interface MiddlewareOptions {
  /** Cookie source (tests pass a string). */
  cookies?: () => string
  /** Overrides the registered 401 handler (tests). */
  onUnauthenticated?: UnauthenticatedHandler
}

export function csrfMiddleware(options: MiddlewareOptions = {}): Middleware {
  const cookies = options.cookies ?? browserCookies
  return {
    onRequest({ request }) {
      request.headers.set('Accept-Language', currentLocale())
      return applyCsrf(request, cookies())
    },
  }
}

/** Non-2xx responses reject with an `ApiError`; network failures too (code `network_error`). */
export function errorMiddleware(options: MiddlewareOptions = {}): Middleware {
  return {
    async onResponse({ request, response, schemaPath }) {
      if (response.ok) return undefined
      throw await failure(
        response,
        request.method,
        schemaPath,
        options.onUnauthenticated ?? unauthenticatedHandler,
      )
    },
    onError({ error }) {
      if (error instanceof DOMException && error.name === 'AbortError') return undefined
      return new ApiError({ status: 0, code: NETWORK_ERROR })
    },
  }
}

export function createApiClient(
  options: MiddlewareOptions & {
    baseUrl?: string
    fetch?: (input: Request) => Promise<Response>
  } = {},
) {
  const client = createClient<ApiPaths>({
    baseUrl: options.baseUrl ?? API_BASE,
    credentials: 'same-origin',
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
  client.use(csrfMiddleware(options), errorMiddleware(options))
  return client
}

/** The one client the app uses. */
export const api = createApiClient()

/** Awaits an openapi-fetch call and returns its data (errors were already thrown). */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown }>): Promise<T> {
  const result = await call
  if (result.error !== undefined) throw new ApiError(parseProblem(result.error, 0))
  return result.data as T
}

export type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue>

/** `?a=1&b=x`, skipping empty values. */
export function queryString(query: Query): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    params.append(key, String(value))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

/** Drops empty filter values so they are not sent as `q=`. */
export function compactQuery<T extends Query>(query: T): Partial<T> {
  const out: Partial<T> = {}
  for (const key of Object.keys(query) as (keyof T)[]) {
    const value = query[key]
    if (value !== undefined && value !== null && value !== '') out[key] = value
  }
  return out
}

/**
 * `GET path?query` with the response typed from the generated schema. Used for the list and
 * search endpoints, whose query parameters go in the URL whatever the OpenAPI document says
 * about them (the contract is `?status=&page=…`).
 */
export async function getJson<P extends GetPath>(
  path: P,
  query: Query = {},
): Promise<ResponseOf<P, 'get'>> {
  const response = await rawFetch(`${path}${queryString(query)}`)
  return (await response.json()) as ResponseOf<P, 'get'>
}

/**
 * A request outside the typed client (file downloads, multipart uploads) with the same
 * CSRF header and error handling.
 */
export async function rawFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const request = applyCsrf(
    new Request(`${API_BASE}${path}`, { credentials: 'same-origin', ...init }),
    browserCookies(),
  )
  request.headers.set('Accept-Language', currentLocale())
  let response: Response
  try {
    response = await fetch(request)
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error
    throw new ApiError({ status: 0, code: NETWORK_ERROR })
  }
  if (!response.ok) throw await failure(response, request.method, path.split('?')[0] ?? path)
  return response
}
