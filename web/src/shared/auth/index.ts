export { hasPermission, type PermissionCode, type PermissionRequirement } from './can'
export { vCan } from './directive'
export { useSessionStore, type Me } from './session'
