import { ElMessage } from 'element-plus'
import { useRouter } from 'vue-router'

import { errorMessage } from '@/shared/api/errors'
import { useSessionStore } from '@/shared/auth/session'
import { t } from '@/shared/i18n'

/** Ends this session and goes to the login page (even if the server call fails). */
export function useLogout(): () => Promise<void> {
  const router = useRouter()
  const session = useSessionStore()
  return async () => {
    try {
      await session.logout()
      ElMessage.success(t('common.shell.loggedOut'))
    } catch (error) {
      ElMessage.warning(errorMessage(error))
    }
    await router.push({ name: 'login' })
  }
}
