import { api, getJson, unwrap, type BodyOf, type ResponseOf } from '@/shared/api/client'
import { downloadFile } from '@/shared/table/download'

export type FundingDecision = ResponseOf<'/admin/calls/{code}/funding', 'get'>[number]
export type Notice = ResponseOf<'/notices/{id}', 'get'>
export type NoticeItem = Notice['items'][number]
export type NewNotice = BodyOf<'/admin/calls/{code}/notices', 'post'>
export type Objection = ResponseOf<'/admin/notices/{id}/objections', 'get'>[number]
export type NewObjection = BodyOf<'/notices/{id}/objections', 'post'>
export type AwardOutcome = ResponseOf<'/admin/notices/{id}/award', 'post'>
export type ProjectSummary = ResponseOf<'/projects', 'get'>[number]
export type ProjectDetail = ResponseOf<'/projects/{id}', 'get'>
export type Disbursement = ProjectDetail['disbursements'][number]
export type Report = ResponseOf<'/projects/{id}/reports/{kind}', 'get'>
export type NewDisbursement = BodyOf<'/projects/{id}/disbursements', 'post'>

export type ContractAction = 'submit' | 'endorse' | 'sign' | 'return'
export type ReportKind = 'midterm' | 'completion'
export type ReportAction = 'submit' | 'return' | 'pass' | 'fail'
export type ObjectionOutcome = 'upheld' | 'dismissed'

export interface ProjectFilter {
  call?: string
  status?: string
  /** `true` for overdue projects only. */
  overdue?: string
}

const path = (id: string) => ({ params: { path: { id } } })
const callPath = (code: string) => ({ params: { path: { code } } })
const comment = (text: string) => ({ comment: text || null })

/** Funding decisions, public notices (公示), objections, the award, and funded projects. */
export const projectsApi = {
  // ---- bureau: funding decisions and notices ----
  funding: (code: string) => unwrap(api.GET('/admin/calls/{code}/funding', callPath(code))),
  propose: (applicationId: string, proposedFen: number) =>
    unwrap(
      api.PUT('/admin/applications/{id}/funding', {
        ...path(applicationId),
        body: { proposed_fen: proposedFen },
      }),
    ),
  callNotices: (code: string) => unwrap(api.GET('/admin/calls/{code}/notices', callPath(code))),
  publishNotice: (code: string, body: NewNotice) =>
    unwrap(api.POST('/admin/calls/{code}/notices', { ...callPath(code), body })),
  objections: (noticeId: string) =>
    unwrap(api.GET('/admin/notices/{id}/objections', path(noticeId))),
  resolveObjection: (id: string, status: ObjectionOutcome, resolution: string) =>
    unwrap(
      api.POST('/admin/objections/{id}/resolve', { ...path(id), body: { status, resolution } }),
    ),
  award: (noticeId: string) => unwrap(api.POST('/admin/notices/{id}/award', path(noticeId))),

  // ---- public (no sign-in) ----
  publicNotices: () => unwrap(api.GET('/notices')),
  publicNotice: (id: string) => unwrap(api.GET('/notices/{id}', path(id))),
  raiseObjection: (id: string, body: NewObjection) =>
    unwrap(api.POST('/notices/{id}/objections', { ...path(id), body })),

  // ---- projects ----
  projects: (filter: ProjectFilter) => getJson('/projects', { ...filter }),
  project: (id: string) => unwrap(api.GET('/projects/{id}', path(id))),
  saveContract: (id: string, data: Record<string, unknown>) =>
    unwrap(
      api.PUT('/projects/{id}/contract', {
        ...path(id),
        body: { data } as BodyOf<'/projects/{id}/contract', 'put'>,
      }),
    ),
  contractAction: (id: string, action: ContractAction, text = '') =>
    unwrap(
      api.POST('/projects/{id}/contract/{action}', {
        params: { path: { id, action } },
        body: comment(text),
      }),
    ),
  exportContract: (id: string, name: string) =>
    downloadFile(
      `/projects/${encodeURIComponent(id)}/contract/export` as '/projects/{id}/contract/export',
      {},
      name,
    ),
  disburse: (id: string, body: NewDisbursement) =>
    unwrap(api.POST('/projects/{id}/disbursements', { ...path(id), body })),
  saveReport: (id: string, kind: ReportKind, version: number, data: Record<string, unknown>) =>
    unwrap(
      api.PUT('/projects/{id}/reports/{kind}', {
        params: { path: { id, kind } },
        body: { version, data } as BodyOf<'/projects/{id}/reports/{kind}', 'put'>,
      }),
    ),
  reportAction: (id: string, kind: ReportKind, action: ReportAction, text = '') =>
    unwrap(
      api.POST('/projects/{id}/reports/{kind}/{action}', {
        params: { path: { id, kind, action } },
        body: comment(text),
      }),
    ),
  close: (id: string) => unwrap(api.POST('/projects/{id}/close', path(id))),
}
