import {
  api,
  API_BASE,
  CSRF_COOKIE,
  CSRF_HEADER,
  readCookie,
  unwrap,
  type BodyOf,
  type GetPath,
  type ResponseOf,
} from '@/shared/api/client'
import { ApiError, NETWORK_ERROR, parseProblem } from '@/shared/api/errors'
import { currentLocale } from '@/shared/i18n'
import { downloadFile } from '@/shared/table/download'

import type { ScoreSheet } from './utils/callDocument'

export type AssignmentItem = ResponseOf<'/expert/assignments', 'get'>[number]
export type AssignmentDetail = ResponseOf<'/expert/assignments/{id}', 'get'>
export type ScoreBody = BodyOf<'/expert/assignments/{id}/scores', 'put'>
export type Expert = ResponseOf<'/admin/experts', 'get'>[number]
export type ExpertInput = BodyOf<'/admin/experts', 'post'>
export type ExpertProfile = BodyOf<'/me/expert-profile', 'put'>
export type ExpertImportResult = ResponseOf<'/admin/experts/import', 'post'>
export type OrgSummary = ResponseOf<'/public/organisations', 'get'>[number]
export type ReviewField = ResponseOf<'/review-fields', 'get'>[number]
export type Round = ResponseOf<'/admin/review-rounds', 'get'>[number]
export type NewRound = BodyOf<'/admin/review-rounds', 'post'>
export type Board = ResponseOf<'/admin/review-rounds/{id}/board', 'get'>
export type BoardApplication = Board['applications'][number]
export type BoardExpert = Board['experts'][number]
export type Assignment = BoardApplication['assignments'][number]
export type AutoAssignResult = ResponseOf<'/admin/review-rounds/{id}/auto-assign', 'post'>
export type Draw = ResponseOf<'/admin/review-rounds/{id}/draw', 'post'>
export type RankingRow = ResponseOf<'/admin/review-rounds/{id}/ranking', 'get'>[number]
export type Funding = ResponseOf<'/admin/applications/{id}/funding', 'put'>
export type SiteVisitBody = BodyOf<'/admin/applications/{id}/site-visit', 'put'>

const path = (id: string) => ({ params: { path: { id } } })

/** The score sheet of an assignment (the API types it as a plain object). */
export function sheetOf(detail: AssignmentDetail): ScoreSheet {
  return detail.score_sheet as unknown as ScoreSheet
}

/** Sends the expert pool spreadsheet (multipart); errors reject with an ApiError. */
async function importExperts(file: File): Promise<ExpertImportResult> {
  const form = new FormData()
  form.append('file', file)
  const headers: Record<string, string> = { 'Accept-Language': currentLocale() }
  const token = readCookie(CSRF_COOKIE, typeof document === 'undefined' ? '' : document.cookie)
  if (token) headers[CSRF_HEADER] = token
  let response: Response
  try {
    response = await fetch(`${API_BASE}/admin/experts/import`, {
      method: 'POST',
      body: form,
      headers,
      credentials: 'same-origin',
    })
  } catch {
    throw new ApiError({ status: 0, code: NETWORK_ERROR })
  }
  const body: unknown = await response.json().catch(() => null)
  if (!response.ok) throw new ApiError(parseProblem(body, response.status))
  return body as ExpertImportResult
}

export const reviewApi = {
  // ---- experts ---------------------------------------------------------------------------
  myAssignments: () => unwrap(api.GET('/expert/assignments')),
  assignment: (id: string) => unwrap(api.GET('/expert/assignments/{id}', path(id))),
  submitScores: (id: string, body: ScoreBody) =>
    unwrap(api.PUT('/expert/assignments/{id}/scores', { ...path(id), body })),
  declareConflict: (id: string, reason: string) =>
    unwrap(api.POST('/expert/assignments/{id}/conflict', { ...path(id), body: { reason } })),
  abstain: (id: string, reason: string) =>
    unwrap(api.POST('/expert/assignments/{id}/abstain', { ...path(id), body: { reason } })),
  myProfile: () => unwrap(api.GET('/me/expert-profile')),
  saveMyProfile: (body: ExpertProfile) => unwrap(api.PUT('/me/expert-profile', { body })),
  fields: () => unwrap(api.GET('/review-fields')),
  searchOrganisations: (q: string) =>
    unwrap(api.GET('/public/organisations', { params: { query: { q, limit: 20 } } })),

  // ---- the bureau's expert pool ----------------------------------------------------------
  experts: (query: { q?: string; field?: string } = {}) =>
    unwrap(api.GET('/admin/experts', { params: { query } })),
  createExpert: (body: ExpertInput) => unwrap(api.POST('/admin/experts', { body })),
  updateExpert: (id: string, body: ExpertInput) =>
    unwrap(api.PUT('/admin/experts/{id}', { ...path(id), body })),
  expertTemplate: () => downloadFile('/admin/experts/template', {}, 'experts-template.xlsx'),
  importExperts,

  // ---- rounds ----------------------------------------------------------------------------
  rounds: (call?: string) =>
    unwrap(api.GET('/admin/review-rounds', { params: { query: call ? { call } : {} } })),
  createRound: (body: NewRound) => unwrap(api.POST('/admin/review-rounds', { body })),
  round: (id: string) => unwrap(api.GET('/admin/review-rounds/{id}', path(id))),
  board: (id: string) => unwrap(api.GET('/admin/review-rounds/{id}/board', path(id))),
  assign: (id: string, applicationId: string, expertId: string) =>
    unwrap(
      api.POST('/admin/review-rounds/{id}/assignments', {
        ...path(id),
        body: { application_id: applicationId, expert_id: expertId },
      }),
    ),
  unassign: (assignmentId: string) =>
    unwrap(api.DELETE('/admin/review-assignments/{id}', path(assignmentId))),
  autoAssign: (id: string, seed?: number | null) =>
    unwrap(
      api.POST('/admin/review-rounds/{id}/auto-assign', {
        ...path(id),
        body: { seed: seed ?? null },
      }),
    ),
  draw: (id: string, applicationId: string, count: number, seed?: number | null) =>
    unwrap(
      api.POST('/admin/review-rounds/{id}/draw', {
        ...path(id),
        body: { application_id: applicationId, count, seed: seed ?? null },
      }),
    ),
  remind: (id: string) => unwrap(api.POST('/admin/review-rounds/{id}/remind', path(id))),
  close: (id: string) => unwrap(api.POST('/admin/review-rounds/{id}/close', path(id))),
  ranking: (id: string) => unwrap(api.GET('/admin/review-rounds/{id}/ranking', path(id))),
  exportRanking: (id: string) =>
    downloadFile(
      `/admin/review-rounds/${encodeURIComponent(id)}/ranking/export` as GetPath,
      {},
      'ranking.xlsx',
    ),

  // ---- funding proposals and on-site evaluations ----------------------------------------
  proposeFunding: (applicationId: string, proposedFen: number) =>
    unwrap(
      api.PUT('/admin/applications/{id}/funding', {
        ...path(applicationId),
        body: { proposed_fen: proposedFen },
      }),
    ),
  withdrawFunding: (applicationId: string) =>
    unwrap(api.DELETE('/admin/applications/{id}/funding', path(applicationId))),
  recordSiteVisit: (applicationId: string, body: SiteVisitBody) =>
    unwrap(api.PUT('/admin/applications/{id}/site-visit', { ...path(applicationId), body })),
}
