import { ref } from 'vue'

import { notifyError } from '@/shared/api/notify'

import { grantsApi, type Application } from '../api'

/** Lists carry no form data; this loads the whole application when a row is opened. */
export function useOpenedApplication() {
  const opened = ref<Application | null>(null)
  let latest = ''

  async function open(id: string): Promise<void> {
    latest = id
    opened.value = null
    try {
      const application = await grantsApi.get(id)
      // A slower answer for a row opened earlier must not replace the current one.
      if (latest === id) opened.value = application
    } catch (error) {
      notifyError(error)
    }
  }

  return { opened, open }
}
