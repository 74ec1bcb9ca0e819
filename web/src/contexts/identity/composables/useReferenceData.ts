import { ElMessage } from 'element-plus'
import { computed, shallowRef, type ShallowRef } from 'vue'
import { useI18n } from 'vue-i18n'

import { errorMessage } from '@/shared/api/errors'

import { identityApi, type CertificationKind, type District, type PublicRecommender } from '../api'

interface Cached<T> {
  data: ShallowRef<T[]>
  promise: Promise<void> | null
}

function cached<T>(): Cached<T> {
  return { data: shallowRef<T[]>([]), promise: null }
}

const districts = cached<District>()
const recommenders = cached<PublicRecommender>()
const certificationKinds = cached<CertificationKind>()

function ensure<T>(cache: Cached<T>, load: () => Promise<T[]>): Promise<void> {
  if (!cache.promise) {
    cache.promise = load()
      .then((items) => {
        cache.data.value = items
      })
      .catch((error: unknown) => {
        cache.promise = null
        ElMessage.error(errorMessage(error))
      })
  }
  return cache.promise
}

/** Public lists (districts, recommending units, certification kinds), loaded once per page load. */
export function useReferenceData(which: {
  districts?: boolean
  recommenders?: boolean
  certificationKinds?: boolean
}) {
  const { locale } = useI18n()
  const ready = Promise.all([
    which.districts ? ensure(districts, identityApi.districts) : Promise.resolve(),
    which.recommenders ? ensure(recommenders, identityApi.recommenders) : Promise.resolve(),
    which.certificationKinds
      ? ensure(certificationKinds, identityApi.certificationKinds)
      : Promise.resolve(),
  ]).then(() => undefined)

  const bilingual = (item: { name_zh: string; name_en: string }) =>
    locale.value === 'en' ? item.name_en || item.name_zh : item.name_zh

  const districtOptions = computed(() =>
    districts.data.value.map((d) => ({ value: d.code, label: bilingual(d) })),
  )

  function districtName(code: string | null | undefined): string {
    if (!code) return '—'
    const found = districts.data.value.find((d) => d.code === code)
    return found ? bilingual(found) : code
  }

  function certificationKindName(code: string): string {
    const found = certificationKinds.data.value.find((k) => k.code === code)
    return found ? bilingual(found) : code
  }

  const certificationKindOptions = computed(() =>
    certificationKinds.data.value.map((k) => ({ value: k.code, label: bilingual(k) })),
  )

  return {
    ready,
    districts: districts.data,
    recommenders: recommenders.data,
    certificationKinds: certificationKinds.data,
    districtOptions,
    certificationKindOptions,
    districtName,
    certificationKindName,
  }
}

/** For tests: forget what was loaded. */
export function resetReferenceData(): void {
  for (const cache of [districts, recommenders, certificationKinds] as Cached<unknown>[]) {
    cache.data.value = []
    cache.promise = null
  }
}
