import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'

import { notifyError } from '@/shared/api/notify'

import { servicesApi, type Notification, type NotificationList } from '../api'

/** The signed-in user's notifications with read actions; `refresh` reloads. */
export function useNotifications() {
  const { locale } = useI18n()
  const list = ref<NotificationList>({ unread: 0, items: [] })
  const loading = ref(false)

  async function refresh(): Promise<void> {
    loading.value = true
    try {
      list.value = await servicesApi.notifications()
    } catch (error) {
      notifyError(error)
    } finally {
      loading.value = false
    }
  }

  async function markRead(n: Notification): Promise<void> {
    if (n.read_at) return
    try {
      await servicesApi.markRead(n.id)
      n.read_at = new Date().toISOString()
      list.value.unread = Math.max(0, list.value.unread - 1)
    } catch (error) {
      notifyError(error)
    }
  }

  async function markAllRead(): Promise<void> {
    try {
      await servicesApi.markAllRead()
      await refresh()
    } catch (error) {
      notifyError(error)
    }
  }

  const en = computed(() => locale.value === 'en')
  const titleOf = (n: Notification) => (en.value ? n.title_en : n.title_zh)
  const bodyOf = (n: Notification) => (en.value ? n.body_en : n.body_zh)

  return { list, loading, refresh, markRead, markAllRead, titleOf, bodyOf }
}
