import { currentLocale, t, type Locale } from '../i18n'

/** One field error of an RFC 9457 problem (`errors[]`). */
export interface FieldProblem {
  field: string
  code: string
  message_zh?: string
  message_en?: string
}

/** The problem+json body the server sends with every error. */
export interface Problem {
  type?: string
  title?: string
  status: number
  code: string
  message_zh?: string
  message_en?: string
  errors?: FieldProblem[]
  reason?: string
  locked_until?: string
  retry_after_seconds?: number
  [extra: string]: unknown
}

/** Codes made up on this side when no problem body arrived. */
export const NETWORK_ERROR = 'network_error'
export const UNKNOWN_ERROR = 'unknown_error'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function toFieldProblem(value: unknown): FieldProblem | null {
  if (!isRecord(value) || typeof value.field !== 'string') return null
  return {
    field: value.field,
    code: optionalString(value.code) ?? '',
    message_zh: optionalString(value.message_zh),
    message_en: optionalString(value.message_en),
  }
}

/** Reads a problem body defensively; anything unexpected becomes a generic problem. */
export function parseProblem(body: unknown, status: number): Problem {
  if (!isRecord(body) || typeof body.code !== 'string') {
    return { status, code: status === 0 ? NETWORK_ERROR : statusCode(status) }
  }
  const errors = Array.isArray(body.errors)
    ? body.errors.map(toFieldProblem).filter((e): e is FieldProblem => e !== null)
    : undefined
  return {
    ...body,
    status: typeof body.status === 'number' ? body.status : status,
    code: body.code,
    message_zh: optionalString(body.message_zh),
    message_en: optionalString(body.message_en),
    errors,
    reason: optionalString(body.reason),
    locked_until: optionalString(body.locked_until),
    retry_after_seconds:
      typeof body.retry_after_seconds === 'number' ? body.retry_after_seconds : undefined,
  }
}

/** A stable code for a bare HTTP status (proxy errors, HTML 502 pages …). */
function statusCode(status: number): string {
  switch (status) {
    case 401:
      return 'unauthenticated'
    case 403:
      return 'forbidden'
    case 404:
      return 'not_found'
    case 429:
      return 'rate_limited'
    default:
      return UNKNOWN_ERROR
  }
}

function localized(
  item: { message_zh?: string; message_en?: string },
  locale: Locale,
): string | undefined {
  const preferred = locale === 'en' ? item.message_en : item.message_zh
  return preferred || item.message_zh || item.message_en || undefined
}

/** The error every API call rejects with. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly problem: Problem

  constructor(problem: Problem) {
    super(problemMessage(problem, currentLocale()))
    this.name = 'ApiError'
    this.status = problem.status
    this.code = problem.code
    this.problem = problem
  }

  /** The message in `locale` (default: the current UI language). */
  localizedMessage(locale: Locale = currentLocale()): string {
    return problemMessage(this.problem, locale)
  }

  get fieldErrors(): FieldProblem[] {
    return this.problem.errors ?? []
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError
}

/** The server's message in `locale`, or our own translation of the code. */
export function problemMessage(problem: Problem, locale: Locale): string {
  const server = localized(problem, locale)
  if (server) return server
  const key = `common.errors.${problem.code}`
  const translated = t(key, {}, { locale })
  return translated === key ? t('common.errors.unknown_error', {}, { locale }) : translated
}

export function fieldMessage(problem: FieldProblem, locale: Locale = currentLocale()): string {
  return localized(problem, locale) ?? problem.code
}

export type FormErrors = Record<string, string>

/**
 * Turns a problem's field errors into `{ [el-form prop]: message }`, for `<el-form-item :error>`.
 * `mapField` renames server fields (`new_organisation.credit_code`) to form props; returning
 * `null` drops the field (it then belongs in `unmatched`).
 */
export function toFormErrors(
  problem: Problem,
  options: { locale?: Locale; mapField?: (field: string) => string | null } = {},
): { errors: FormErrors; unmatched: FieldProblem[] } {
  const locale = options.locale ?? currentLocale()
  const mapField = options.mapField ?? ((field: string) => field)
  const errors: FormErrors = {}
  const unmatched: FieldProblem[] = []
  for (const item of problem.errors ?? []) {
    const prop = mapField(item.field)
    if (prop === null) {
      unmatched.push(item)
      continue
    }
    const message = fieldMessage(item, locale)
    errors[prop] = errors[prop] ? `${errors[prop]}；${message}` : message
  }
  return { errors, unmatched }
}

/** The user-facing message for anything thrown by an API call. */
export function errorMessage(error: unknown, locale: Locale = currentLocale()): string {
  if (error instanceof ApiError) return error.localizedMessage(locale)
  return t('common.errors.unknown_error', {}, { locale })
}
