import { ElMessage } from 'element-plus'
import type { Router } from 'vue-router'

import { useSessionStore } from '@/shared/auth/session'
import { t } from '@/shared/i18n'
import { safeRedirect } from '@/shared/utils/redirect'

import { homeLocation } from './home'
import { hasRole } from './menu'

export function installGuards(router: Router): void {
  router.beforeEach(async (to, from) => {
    const session = useSessionStore()
    await session.load()
    const can = (p: Parameters<typeof session.can>[0]) => session.can(p)

    if (to.name === 'home') return homeLocation(can, session.signedIn, session.me?.role)

    if (to.meta.public) {
      if (to.meta.guestOnly && session.signedIn) {
        return safeRedirect(to.query.redirect) ?? homeLocation(can, true, session.me?.role)
      }
      return true
    }

    if (!session.signedIn) return { name: 'login', query: { redirect: to.fullPath } }

    if (!session.can(to.meta.permission) || !hasRole(to.meta.roles, session.me?.role)) {
      ElMessage.error(t('common.errors.page_forbidden'))
      return from.matched.length > 0 ? false : homeLocation(can, true, session.me?.role)
    }
    return true
  })

  router.afterEach((to) => {
    updateTitle(to.meta.titleKey)
  })
}

export function updateTitle(titleKey: string | undefined): void {
  const app = t('common.app.name')
  document.title = titleKey ? `${t(titleKey)} · ${app}` : app
}
