import { api, getJson, unwrap, type BodyOf, type ResponseOf } from '@/shared/api/client'
import { downloadFile } from '@/shared/table/download'

export type Call = ResponseOf<'/calls', 'get'>[number]
export type Category = Call['categories'][number]
export type Subtype = Category['subtypes'][number]
export type Application = ResponseOf<'/applications/{id}', 'get'>
export type QueueItem = ResponseOf<'/admin/applications', 'get'>[number]
export type DraftSaved = ResponseOf<'/applications/{id}/draft', 'put'>
export type StartBody = BodyOf<'/applications', 'post'>

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
}

const path = (id: string) => ({ params: { path: { id } } })

export const grantsApi = {
  calls: () => unwrap(api.GET('/calls')),
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
  summaryTable: (call: string) =>
    downloadFile('/recommender/summary-table', { call }, `summary-${call}.xlsx`),
  bureauQueue: (filter: QueueFilter) => getJson('/admin/applications', { ...filter }),
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
