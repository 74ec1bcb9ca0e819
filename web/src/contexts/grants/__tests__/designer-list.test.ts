import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import { i18n, registerMessages, setLocale } from '@/shared/i18n'

import type { Call } from '../api'
import grantsEn from '../locales/en.json'
import grantsZh from '../locales/zh-CN.json'
import CallListPage from '../pages/CallListPage.vue'
import { callJson, emptyCall, readDraft } from '../utils/callConfig'
import { callConfigApi } from '../utils/callConfigApi'

registerMessages({ 'zh-CN': grantsZh, en: grantsEn })

const SLOW = 20_000

const summary: Call = {
  code: 'zg2021',
  year: 2021,
  title: '2021年度自贡市重点科技计划项目',
  opens_at: '2021-01-19T16:00:00Z',
  closes_at: '2021-04-15T10:00:00Z',
  open: false,
  categories: [],
}

async function mountList() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'grants-calls', component: CallListPage },
      { path: '/c/:code', name: 'grants-call-config', component: { template: '<div />' } },
    ],
  })
  await router.push('/')
  const wrapper = mount(CallListPage, { global: { plugins: [i18n, router] } })
  await flushPromises()
  return { wrapper, router }
}

describe('call list', () => {
  beforeEach(() => {
    localStorage.clear()
    setLocale('zh-CN')
  })

  it(
    'shows the window in Shanghai time to the second',
    async () => {
      vi.spyOn(callConfigApi, 'list').mockResolvedValue([summary])
      const { wrapper } = await mountList()
      expect(wrapper.text()).toContain('2021-01-20 00:00:00 ~ 2021-04-15 18:00:00')
      expect(wrapper.text()).toContain('未开放')
      wrapper.unmount()
    },
    SLOW,
  )

  it(
    'imports a JSON file as a local draft of a new call and opens it',
    async () => {
      vi.spyOn(callConfigApi, 'list').mockResolvedValue([summary])
      const { wrapper, router } = await mountList()
      const doc = emptyCall('imported2027', 2027, '导入的批次')
      const file = new File([callJson(doc)], 'imported2027.json', { type: 'application/json' })
      const input = wrapper.find('[data-testid="import-file"]')
      Object.defineProperty(input.element, 'files', { value: [file] })
      await input.trigger('change')
      await flushPromises()
      await vi.waitFor(() => expect(router.currentRoute.value.params.code).toBe('imported2027'))
      const draft = readDraft('imported2027')
      expect(draft?.is_new).toBe(true)
      expect(draft?.document.title).toBe('导入的批次')
      wrapper.unmount()
    },
    SLOW,
  )
})
