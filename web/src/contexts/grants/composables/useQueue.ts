import { computed, onMounted, reactive, ref, shallowRef } from 'vue'
import { useRoute, useRouter } from 'vue-router'

import { notifyError } from '@/shared/api/notify'

import type { QueueFilter, QueueItem } from '../api'
import { DEMO_CALL } from '../constants'

/** A queue page: filters kept in the URL query, the list reloaded on change. */
export function useQueue(fetcher: (filter: QueueFilter) => Promise<QueueItem[]>, status = '') {
  const route = useRoute()
  const router = useRouter()
  const q = (key: string, fallback: string) =>
    typeof route.query[key] === 'string' ? route.query[key] : fallback
  const filters = reactive({
    status: q('status', status),
    category: q('category', ''),
    district: q('district', ''),
    organisation: q('organisation', ''),
  })
  const items = shallowRef<QueueItem[]>([])
  const loading = ref(false)
  const seen = ref<Set<string>>(new Set())

  /** The filters as the API takes them (empty ones left out). */
  function current(): QueueFilter {
    return {
      call: DEMO_CALL,
      status: filters.status || undefined,
      category: filters.category || undefined,
      district: filters.district || undefined,
      organisation: filters.organisation.trim() || undefined,
    }
  }

  async function load(): Promise<void> {
    void router.replace({ query: { ...route.query, ...filters } })
    loading.value = true
    try {
      items.value = await fetcher(current())
      for (const item of items.value) seen.value.add(item.category)
    } catch (error) {
      notifyError(error)
    } finally {
      loading.value = false
    }
  }
  onMounted(load)

  const categories = computed(() => [...seen.value].sort())
  return { filters, items, loading, load, categories, current }
}
