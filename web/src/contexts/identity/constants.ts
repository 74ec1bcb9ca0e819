/** The enums of the identity API (docs/api-identity.md); labels live in the locale files. */
export const ROLES = [
  'individual_applicant',
  'unit_applicant',
  'recommender',
  'bureau_staff',
  'bureau_admin',
  'expert',
  'concierge',
] as const
export type Role = (typeof ROLES)[number]

/** Roles the bureau issues (ACC-2); applicants register themselves. */
export const ISSUED_ROLES = [
  'recommender',
  'bureau_staff',
  'bureau_admin',
  'expert',
  'concierge',
] as const
export type IssuedRole = (typeof ISSUED_ROLES)[number]

export const SELF_REGISTERED_ROLES = ['individual_applicant', 'unit_applicant'] as const
export type AccountType = (typeof SELF_REGISTERED_ROLES)[number]

export const ACCOUNT_STATUSES = ['pending', 'active', 'rejected', 'disabled'] as const
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number]

export const ORG_TYPES = [
  'enterprise',
  'university',
  'hospital',
  'research_institute',
  'government_organ',
  'social_organisation',
  'financial_institution',
] as const
export type OrgType = (typeof ORG_TYPES)[number]

export const RECOMMENDER_KINDS = ['none', 'district_office', 'self', 'bureau'] as const
export type RecommenderKind = (typeof RECOMMENDER_KINDS)[number]

export const CREDIT_STATUSES = ['good', 'penalty', 'blacklisted'] as const
export type CreditStatus = (typeof CREDIT_STATUSES)[number]

export const ROUTING_MODES = ['district', 'self', 'bureau'] as const
export type RoutingMode = (typeof ROUTING_MODES)[number]

/** Bureau departments offered when issuing staff accounts (free text is allowed too). */
export const DEPARTMENT_SUGGESTIONS = [
  'resource_allocation',
  'innovation',
  'achievement',
  'agri_social',
] as const

/** The permission codes of this context (the server's `permissions`). */
export const PERMISSIONS = {
  manageAccounts: 'identity.account.manage',
  manageOrganisations: 'identity.organisation.manage',
  readAudit: 'identity.audit.read',
  readOutbox: 'identity.outbox.read',
  readDirectory: 'identity.directory.read',
} as const

/** `value` if it is one of `allowed`, else undefined (for URL query values). */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : undefined
}

/** The server's username rule: 3–32 lower-case letters, digits or _ . -, starting with a letter. */
export const USERNAME_PATTERN = /^[a-z][a-z0-9_.-]{2,31}$/
/** Mainland mobile numbers: 11 digits starting with 1. */
export const PHONE_PATTERN = /^1\d{10}$/
