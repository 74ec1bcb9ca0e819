/** Permission codes look like `identity.account.manage` (`<context>.<entity>.<verb>`). */
export type PermissionCode = string

/** A route or menu item needs one code, or any one of several. */
export type PermissionRequirement = PermissionCode | readonly PermissionCode[]

/**
 * Whether `permissions` (from `GET /me`) satisfy `required`. An empty requirement only needs
 * a signed-in user; `null` permissions mean nobody is signed in. The server stays the authority:
 * this only decides what to show.
 */
export function hasPermission(
  permissions: readonly PermissionCode[] | null | undefined,
  required?: PermissionRequirement | null,
): boolean {
  if (!permissions) return false
  if (required === undefined || required === null) return true
  const list = typeof required === 'string' ? [required] : required
  if (list.length === 0) return true
  return list.some((code) => permissions.includes(code))
}
