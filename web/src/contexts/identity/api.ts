import { api, getJson, rawFetch, unwrap, type BodyOf, type ResponseOf } from '@/shared/api/client'

import {
  ACCOUNT_STATUSES,
  ORG_TYPES,
  ROLES,
  oneOf,
  type AccountType,
  type OrgType,
} from './constants'

// Types come from the generated schema (src/shared/api/schema.d.ts), by endpoint.
export type Me = ResponseOf<'/me', 'get'>
export type Account = ResponseOf<'/admin/accounts/{id}', 'get'>
export type AccountPage = ResponseOf<'/admin/accounts', 'get'>
export type Organisation = ResponseOf<'/admin/organisations/{id}', 'get'>
export type OrganisationPage = ResponseOf<'/admin/organisations', 'get'>
export type AuditEvent = ResponseOf<'/admin/audit-events', 'get'>['items'][number]
export type OutboxMail = ResponseOf<'/admin/outbox', 'get'>['items'][number]
export type District = ResponseOf<'/public/districts', 'get'>[number]
export type PublicRecommender = ResponseOf<'/public/recommenders', 'get'>[number]
export type PublicOrganisation = ResponseOf<'/public/organisations', 'get'>[number]
export type CertificationKind = ResponseOf<'/public/certification-kinds', 'get'>[number]
export type RecommenderSuggestion = ResponseOf<'/public/recommender-suggestion', 'get'>
export type RoutingRule = ResponseOf<'/admin/routing-rules', 'get'>[number]
export type ApiToken = ResponseOf<'/me/api-tokens', 'get'>[number]
export type CreatedApiToken = ResponseOf<'/me/api-tokens', 'post'>
export type RegistrationBody = BodyOf<'/registrations', 'post'>
export type NewOrganisationBody = NonNullable<RegistrationBody['new_organisation']>
export type IssueAccountBody = BodyOf<'/admin/accounts', 'post'>
export type OrganisationBody = BodyOf<'/admin/organisations', 'post'>
export type Certification = NonNullable<OrganisationBody['certifications']>[number]
export type LoginResponse = ResponseOf<'/auth/login', 'post'>

type Loose = Record<string, string | number>

const text = (q: Loose, key: string): string | undefined => {
  const value = q[key]
  return value === undefined || value === '' ? undefined : String(value)
}
const num = (q: Loose, key: string): number | undefined => {
  const value = Number(q[key])
  return Number.isFinite(value) && value > 0 ? value : undefined
}
const paging = (q: Loose) => ({ page: num(q, 'page'), per_page: num(q, 'per_page') })

/** URL query (strings) → the query of `GET /admin/accounts` (unknown enum values dropped). */
export function accountQuery(q: Loose) {
  return {
    status: oneOf(q.status, ACCOUNT_STATUSES),
    role: oneOf(q.role, ROLES),
    q: text(q, 'q'),
    ...paging(q),
  }
}

export function organisationQuery(q: Loose) {
  return {
    q: text(q, 'q'),
    org_type: oneOf(q.org_type, ORG_TYPES),
    district: text(q, 'district'),
    ...paging(q),
  }
}

export function auditQuery(q: Loose) {
  return {
    entity_type: text(q, 'entity_type'),
    entity_id: text(q, 'entity_id'),
    actor: text(q, 'actor'),
    action: text(q, 'action'),
    from: text(q, 'from'),
    to: text(q, 'to'),
    ...paging(q),
  }
}

export type SuggestionQuery = { organisation_id: string } | { org_type: OrgType; district: string }

export const identityApi = {
  // Public reference data
  districts: () => unwrap(api.GET('/public/districts')),
  recommenders: () => unwrap(api.GET('/public/recommenders')),
  certificationKinds: () => unwrap(api.GET('/public/certification-kinds')),
  searchOrganisations: (q: string, limit = 20) => getJson('/public/organisations', { q, limit }),
  suggestRecommender: (query: SuggestionQuery) => getJson('/public/recommender-suggestion', query),

  // Registration and passwords
  register: (body: RegistrationBody) => unwrap(api.POST('/registrations', { body })),
  forgotPassword: (login: string) => unwrap(api.POST('/auth/password/forgot', { body: { login } })),
  resetPassword: (token: string, newPassword: string) =>
    unwrap(api.POST('/auth/password/reset', { body: { token, new_password: newPassword } })),
  changePassword: (currentPassword: string, newPassword: string) =>
    unwrap(
      api.POST('/auth/password/change', {
        body: { current_password: currentPassword, new_password: newPassword },
      }),
    ),

  // API tokens
  apiTokens: () => unwrap(api.GET('/me/api-tokens')),
  createApiToken: (name: string, expiresInDays?: number) =>
    unwrap(
      api.POST('/me/api-tokens', {
        body: expiresInDays ? { name, expires_in_days: expiresInDays } : { name },
      }),
    ),
  deleteApiToken: (id: string) =>
    unwrap(api.DELETE('/me/api-tokens/{id}', { params: { path: { id } } })),

  // Accounts (bureau)
  accounts: (q: Loose) => getJson('/admin/accounts', accountQuery(q)),
  approve: (id: string, comment?: string) =>
    unwrap(
      api.POST('/admin/accounts/{id}/approve', {
        params: { path: { id } },
        body: comment ? { comment } : {},
      }),
    ),
  reject: (id: string, reason: string) =>
    unwrap(api.POST('/admin/accounts/{id}/reject', { params: { path: { id } }, body: { reason } })),
  disable: (id: string, reason: string) =>
    unwrap(
      api.POST('/admin/accounts/{id}/disable', { params: { path: { id } }, body: { reason } }),
    ),
  enable: (id: string) =>
    unwrap(api.POST('/admin/accounts/{id}/enable', { params: { path: { id } } })),
  issueAccount: (body: IssueAccountBody) => unwrap(api.POST('/admin/accounts', { body })),
  /** Multipart upload (outside the typed client); all-or-nothing on the server. */
  importAccounts: async (file: File): Promise<{ created: number }> => {
    const form = new FormData()
    form.append('file', file, file.name)
    const response = await rawFetch('/admin/accounts/import', { method: 'POST', body: form })
    return (await response.json()) as ResponseOf<'/admin/accounts/import', 'post'>
  },

  // Organisations (bureau)
  organisations: (q: Loose) => getJson('/admin/organisations', organisationQuery(q)),
  createOrganisation: (body: OrganisationBody) =>
    unwrap(api.POST('/admin/organisations', { body })),
  updateOrganisation: (id: string, body: OrganisationBody) =>
    unwrap(api.PUT('/admin/organisations/{id}', { params: { path: { id } }, body })),
  routingRules: () => unwrap(api.GET('/admin/routing-rules')),
  saveRoutingRules: (rules: RoutingRule[]) =>
    unwrap(api.PUT('/admin/routing-rules', { body: rules })),

  // Audit and outbox
  auditEvents: (q: Loose) => getJson('/admin/audit-events', auditQuery(q)),
  outbox: (q: Loose) => getJson('/admin/outbox', paging(q)),
}

export type { AccountType }
