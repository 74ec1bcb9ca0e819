import type { RouteLocationRaw } from 'vue-router'

import type { PermissionRequirement } from '@/shared/auth/can'

/** Where each kind of user lands, first match wins (bureau staff: the approval queue). */
const HOMES: { permission: PermissionRequirement | null; roles?: string[]; route: string }[] = [
  { permission: null, roles: ['individual_applicant', 'unit_applicant'], route: 'grants-mine' },
  { permission: 'identity.account.manage', route: 'approvals' },
  { permission: 'identity.directory.read', route: 'accounts' },
  { permission: 'grants.application.recommend', route: 'grants-recommender' },
  { permission: null, route: 'me' },
]

export function homeLocation(
  can: (p: PermissionRequirement | null) => boolean,
  signedIn: boolean,
  role?: string,
): RouteLocationRaw {
  if (!signedIn) return { name: 'login' }
  const home = HOMES.find(
    (h) => can(h.permission) && (!h.roles || (role !== undefined && h.roles.includes(role))),
  )
  return { name: home?.route ?? 'me' }
}
