import type { RouteLocationRaw } from 'vue-router'

import type { PermissionRequirement } from '@/shared/auth/can'

/** Where each kind of user lands, first match wins (bureau staff: the approval queue). */
const HOMES: { permission: PermissionRequirement | null; route: string }[] = [
  { permission: 'identity.account.manage', route: 'approvals' },
  { permission: 'identity.directory.read', route: 'accounts' },
  { permission: null, route: 'me' },
]

export function homeLocation(
  can: (p: PermissionRequirement | null) => boolean,
  signedIn: boolean,
): RouteLocationRaw {
  if (!signedIn) return { name: 'login' }
  const home = HOMES.find((h) => can(h.permission))
  return { name: home?.route ?? 'me' }
}
