import { computed, reactive, watch, type UnwrapNestedRefs } from 'vue'
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from 'vue-router'

export type Filters = Record<string, string>

export const DEFAULT_PER_PAGE = 20
export const PER_PAGE_CHOICES = [10, 20, 50, 100]

function first(value: LocationQuery[string] | undefined): string {
  if (Array.isArray(value)) return value[0] ?? ''
  return value ?? ''
}

function positiveInt(value: LocationQuery[string] | undefined, fallback: number): number {
  const n = Number.parseInt(first(value), 10)
  return Number.isFinite(n) && n > 0 ? n : fallback
}

/** Reads filters of the shape of `defaults` out of a route query. */
export function readFilters<F extends Filters>(query: LocationQuery, defaults: F): F {
  const out: Filters = {}
  for (const key of Object.keys(defaults)) {
    const value = first(query[key])
    out[key] = value === '' ? (defaults[key] ?? '') : value
  }
  return out as F
}

/** The URL query for filters + paging (empty filters are left out). */
export function writeQuery(filters: Filters, page: number, perPage: number): LocationQueryRaw {
  const query: LocationQueryRaw = {}
  for (const [key, value] of Object.entries(filters)) if (value !== '') query[key] = value
  if (page > 1) query.page = String(page)
  if (perPage !== DEFAULT_PER_PAGE) query.per_page = String(perPage)
  return query
}

function sameQuery(a: LocationQueryRaw, b: LocationQuery): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  for (const key of keys) {
    if (first(b[key]) !== String(a[key] ?? '')) return false
  }
  return true
}

/**
 * List state kept in the URL query: filters, `page` and `per_page`. The form edits `filters`;
 * `applied` is what the URL says, and what is fetched and exported.
 */
export function useListQuery<F extends Filters>(defaults: F) {
  const route = useRoute()
  const router = useRouter()
  const routeName = route.name
  const active = () => route.name === routeName

  const filters: UnwrapNestedRefs<F> = reactive({ ...defaults })
  const applied = computed<F>(() => readFilters(route.query, defaults))
  const page = computed(() => positiveInt(route.query.page, 1))
  const perPage = computed(() => positiveInt(route.query.per_page, DEFAULT_PER_PAGE))

  function syncFromRoute(): void {
    if (active()) Object.assign(filters, applied.value)
  }
  syncFromRoute()
  watch(applied, syncFromRoute)

  /** Pushes a new query; resolves `false` when nothing changed (the caller may reload). */
  async function navigate(query: LocationQueryRaw): Promise<boolean> {
    if (sameQuery(query, route.query)) return false
    await router.push({ query })
    return true
  }

  function search(): Promise<boolean> {
    return navigate(writeQuery({ ...(filters as Filters) }, 1, perPage.value))
  }

  function reset(): Promise<boolean> {
    Object.assign(filters, defaults)
    return navigate(writeQuery({ ...defaults }, 1, perPage.value))
  }

  function setPage(next: number): Promise<boolean> {
    return navigate(writeQuery(applied.value, next, perPage.value))
  }

  function setPerPage(next: number): Promise<boolean> {
    return navigate(writeQuery(applied.value, 1, next))
  }

  return { filters, applied, page, perPage, active, search, reset, setPage, setPerPage }
}
