import { computed, type Component } from 'vue'
import { useRouter } from 'vue-router'

import { useSessionStore } from '@/shared/auth/session'

export interface MenuItem {
  name: string
  path: string
  titleKey: string
  icon: Component
  order: number
  tab: boolean
  tabOrder: number
}

export const MAX_TABS = 5

/** A route limited to some roles (`meta.roles`) is shown to those roles only. */
export function hasRole(roles: readonly string[] | undefined, role: string | undefined): boolean {
  return !roles || (role !== undefined && roles.includes(role))
}

/** Menus are the static routes with `meta.menu`, filtered by `can()`. */
export function useMenu() {
  const router = useRouter()
  const session = useSessionStore()

  const items = computed<MenuItem[]>(() => {
    if (!session.signedIn) return []
    const out: MenuItem[] = []
    for (const route of router.getRoutes()) {
      const menu = route.meta.menu
      if (!menu || typeof route.name !== 'string' || route.meta.public) continue
      if (!session.can(route.meta.permission)) continue
      if (!hasRole(route.meta.roles, session.me?.role)) continue
      out.push({
        name: route.name,
        path: route.path,
        titleKey: route.meta.titleKey ?? route.name,
        icon: menu.icon,
        order: menu.order,
        tab: menu.tab ?? false,
        tabOrder: menu.tabOrder ?? menu.order,
      })
    }
    return out.sort((a, b) => a.order - b.order)
  })

  /** The phone's bottom tab bar: at most five items per role. */
  const tabs = computed(() =>
    items.value
      .filter((i) => i.tab)
      .sort((a, b) => a.tabOrder - b.tabOrder)
      .slice(0, MAX_TABS),
  )

  return { items, tabs }
}
