export const PERMISSIONS = {
  recommend: 'grants.application.recommend',
  intake: 'grants.application.intake',
  manageReview: 'grants.review.manage',
  score: 'grants.review.score',
  manageProjects: 'grants.project.manage',
} as const

/** Applicants have no permission code: the menu shows "我的申报" by role. */
export const APPLICANT_ROLES = ['individual_applicant', 'unit_applicant'] as const

export const DEMO_CALL = 'zg2021'

export const STATUSES = [
  'draft',
  'submitted',
  'returned',
  'recommended',
  'declined',
  'accepted',
  'rejected',
] as const
export type Status = (typeof STATUSES)[number]

export const EDITABLE_STATUSES: readonly string[] = ['draft', 'returned']

export const STATUS_TAG: Record<string, 'info' | 'primary' | 'success' | 'warning' | 'danger'> = {
  draft: 'info',
  submitted: 'primary',
  returned: 'warning',
  recommended: 'success',
  declined: 'danger',
  accepted: 'success',
  rejected: 'danger',
  awarded: 'success',
  not_funded: 'info',
}

/** The showcase call (demo data with review, decisions and a funded project). */
export const SHOWCASE_CALL = 'zg2026'

/** Tag colours of project, contract, report, decision, notice and objection states. */
export const PROJECT_TAG: Record<string, 'info' | 'primary' | 'success' | 'warning' | 'danger'> = {
  awarded: 'primary',
  contracted: 'success',
  closed: 'info',
  terminated: 'danger',
  draft: 'info',
  submitted: 'primary',
  endorsed: 'warning',
  signed: 'success',
  returned: 'warning',
  passed: 'success',
  failed: 'danger',
  proposed: 'warning',
  withdrawn: 'info',
  open: 'warning',
  upheld: 'danger',
  dismissed: 'info',
}

/** Tag colours of review assignment and round states. */
export const REVIEW_TAG: Record<string, 'info' | 'primary' | 'success' | 'warning' | 'danger'> = {
  assigned: 'warning',
  submitted: 'success',
  conflict: 'info',
  abstained: 'info',
  open: 'primary',
  closed: 'info',
}
