import {
  api,
  API_BASE,
  CSRF_COOKIE,
  CSRF_HEADER,
  getJson,
  rawFetch,
  readCookie,
  unwrap,
  type BodyOf,
  type ResponseOf,
} from '@/shared/api/client'
import { ApiError, NETWORK_ERROR, parseProblem } from '@/shared/api/errors'
import { currentLocale } from '@/shared/i18n'
import { downloadFile } from '@/shared/table/download'

import type { CallDocument } from './utils/callDocument'

export type Call = ResponseOf<'/calls', 'get'>[number]
export type Category = Call['categories'][number]
export type Subtype = Category['subtypes'][number]
export type Application = ResponseOf<'/applications/{id}', 'get'>
export type QueueItem = ResponseOf<'/admin/applications', 'get'>[number]
export type District = ResponseOf<'/public/districts', 'get'>[number]
export type QuotaUse = ResponseOf<'/recommender/quota-use', 'get'>[number]
export type DraftSaved = ResponseOf<'/applications/{id}/draft', 'put'>
export type StartBody = BodyOf<'/applications', 'post'>
export type Attachment = ResponseOf<'/applications/{id}/attachments', 'get'>[number]

export interface EligibilityRule {
  code: string
  passed: boolean
  message_zh?: string
  message_en?: string
  error?: string | null
}
export interface Eligibility {
  passed: boolean
  rules: EligibilityRule[]
}

export interface QueueFilter {
  call?: string
  category?: string
  status?: string
  /** The applicant organisation's district code (bureau only). */
  district?: string
  /** Part of the applicant organisation's name, or its credit code (bureau only). */
  organisation?: string
}

const path = (id: string) => ({ params: { path: { id } } })

// Call documents change rarely (the bureau edits them before a call opens): one fetch per page load.
const callCache = new Map<string, Promise<CallDocument>>()

async function fetchCall(code: string): Promise<CallDocument> {
  const response = await rawFetch(`/calls/${encodeURIComponent(code)}`)
  return (await response.json()) as CallDocument
}

/**
 * Uploads one file into an attachment slot with progress (fetch cannot report upload
 * progress). Sends the CSRF header like the shared client; errors reject with an ApiError.
 */
function upload(
  id: string,
  slot: string,
  file: File,
  onProgress: (fraction: number) => void = () => {},
): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `${API_BASE}/applications/${encodeURIComponent(id)}/attachments`)
    xhr.withCredentials = true
    const token = readCookie(CSRF_COOKIE, typeof document === 'undefined' ? '' : document.cookie)
    if (token) xhr.setRequestHeader(CSRF_HEADER, token)
    xhr.setRequestHeader('Accept-Language', currentLocale())
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total)
    }
    xhr.onload = () => {
      let body: unknown = null
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        body = null
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as Attachment)
      else reject(new ApiError(parseProblem(body, xhr.status)))
    }
    xhr.onerror = () => reject(new ApiError({ status: 0, code: NETWORK_ERROR }))
    const form = new FormData()
    form.append('slot', slot)
    form.append('file', file, file.name)
    xhr.send(form)
  })
}

export const grantsApi = {
  calls: () => unwrap(api.GET('/calls')),
  /** The whole call document (forms, sub-types, attachment slots), cached per page load. */
  callDocument(code: string): Promise<CallDocument> {
    let cached = callCache.get(code)
    if (!cached) {
      cached = fetchCall(code)
      void cached.catch(() => callCache.delete(code))
      callCache.set(code, cached)
    }
    return cached
  },
  attachments: (id: string) => unwrap(api.GET('/applications/{id}/attachments', path(id))),
  upload,
  /** Where the browser downloads an attachment (a plain GET with the session cookie). */
  attachmentUrl: (attachmentId: string) =>
    `${API_BASE}/attachments/${encodeURIComponent(attachmentId)}`,
  start: (body: StartBody) => unwrap(api.POST('/applications', { body })),
  mine: () => unwrap(api.GET('/me/applications')),
  get: (id: string) => unwrap(api.GET('/applications/{id}', path(id))),
  saveDraft: (id: string, body: { version: number; title: string; data: unknown }) =>
    unwrap(
      api.PUT('/applications/{id}/draft', {
        ...path(id),
        body: body as BodyOf<'/applications/{id}/draft', 'put'>,
      }),
    ),
  async eligibility(id: string): Promise<Eligibility> {
    const report = await unwrap(api.GET('/applications/{id}/eligibility', path(id)))
    return report as unknown as Eligibility
  },
  submit: (id: string, idempotencyKey: string) =>
    unwrap(
      api.POST('/applications/{id}/submit', {
        params: { path: { id }, header: { 'Idempotency-Key': idempotencyKey } },
      }),
    ),
  recommenderQueue: (filter: QueueFilter) => getJson('/recommender/applications', { ...filter }),
  recommend: (id: string, comment: string) =>
    unwrap(
      api.POST('/recommender/applications/{id}/recommend', {
        ...path(id),
        body: { comment: comment || null },
      }),
    ),
  returnToApplicant: (id: string, comment: string) =>
    unwrap(api.POST('/recommender/applications/{id}/return', { ...path(id), body: { comment } })),
  decline: (id: string, comment: string) =>
    unwrap(api.POST('/recommender/applications/{id}/decline', { ...path(id), body: { comment } })),
  quotaUse: (call: string) =>
    unwrap(api.GET('/recommender/quota-use', { params: { query: { call } } })),
  summaryTable: (call: string) =>
    downloadFile('/recommender/summary-table', { call }, `summary-${call}.xlsx`),
  bureauQueue: (filter: QueueFilter) => getJson('/admin/applications', { ...filter }),
  bureauExport: (filter: QueueFilter) =>
    downloadFile('/admin/applications/export', { ...filter }, 'applications.xlsx'),
  districts: () => unwrap(api.GET('/public/districts')),
  accept: (id: string, comment: string) =>
    unwrap(
      api.POST('/admin/applications/{id}/accept', {
        ...path(id),
        body: { comment: comment || null },
      }),
    ),
  reject: (id: string, comment: string) =>
    unwrap(api.POST('/admin/applications/{id}/reject', { ...path(id), body: { comment } })),
}
