import { ElMessage } from 'element-plus'

import { errorMessage, isApiError } from './errors'

/** Shows an API error as a message, except an ended session (the login page takes over). */
export function notifyError(error: unknown): void {
  if (isApiError(error) && error.status === 401 && error.code === 'unauthenticated') return
  ElMessage.error({ message: errorMessage(error), grouping: true })
}
