import type { Component } from 'vue'
import 'vue-router'

import type { PermissionRequirement } from './auth/can'

export type LayoutName = 'shell' | 'blank'

export interface MenuMeta {
  icon: Component
  /** Position in the side menu (and the tab bar unless `tabOrder` is set). */
  order: number
  /** Offered in the phone's bottom tab bar (at most five per user). */
  tab?: boolean
  tabOrder?: number
}

declare module 'vue-router' {
  interface RouteMeta {
    /** `shell` (default): side menu / tab bar; `blank`: login and registration pages. */
    layout?: LayoutName
    /** Reachable without signing in. */
    public?: boolean
    /** Signed-in users are sent on (the login page). */
    guestOnly?: boolean
    /** What `can()` must allow; menus are these routes filtered by it. */
    permission?: PermissionRequirement
    /** Only these account roles (for users identified by role, not by a permission code). */
    roles?: readonly string[]
    /** i18n key of the page title. */
    titleKey?: string
    menu?: MenuMeta
  }
}
