import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, nextTick } from 'vue'

import { i18n, registerMessages } from '@/shared/i18n'

import { grantsApi, type Application, type QueueItem } from '../api'
import ApplicationViewDialog from '../components/ApplicationViewDialog.vue'
import grantsEn from '../locales/en.json'
import grantsZh from '../locales/zh-CN.json'
import { CALL } from './fixtures'

registerMessages({ 'zh-CN': grantsZh, en: grantsEn })

const SLOW = 20_000

function row(id: string, title: string): QueueItem {
  return {
    id,
    call: 'zg2021',
    category: 'medical',
    subtype: 'general',
    title,
    status: 'submitted',
    version: 2,
    updated_at: '2026-01-01T00:00:00Z',
    organisation: '自贡川润智能流体科技有限公司',
    pi_name: '王医生',
    requested_fen: 800_000,
  }
}

function application(id: string, projectName: string): Application {
  return {
    ...row(id, projectName),
    data: { project_name: projectName } as unknown as Application['data'],
  }
}

/** The timeline talks to the server on its own; its test is elsewhere. */
const Timeline = defineComponent({ props: { id: String }, setup: (p) => () => h('div', p.id) })

function mountDialog(item: QueueItem | null) {
  return mount(ApplicationViewDialog, {
    props: { item, modelValue: true },
    global: { plugins: [i18n], stubs: { ApplicationTimeline: Timeline, teleport: true } },
  })
}

describe('opening a queue row', () => {
  afterEach(() => vi.restoreAllMocks())

  it(
    'loads the whole application (lists carry no form data) and keeps the latest row',
    async () => {
      vi.spyOn(grantsApi, 'callDocument').mockResolvedValue(CALL)
      vi.spyOn(grantsApi, 'attachments').mockResolvedValue([])
      let releaseFirst: (a: Application) => void = () => {}
      const get = vi
        .spyOn(grantsApi, 'get')
        .mockImplementationOnce(() => new Promise((resolve) => (releaseFirst = resolve)))
        .mockResolvedValueOnce(application('a2', '第二个项目的内容'))
      const wrapper = mountDialog(row('a1', '第一个'))
      await flushPromises()
      // The user opens another row before the first answer arrives.
      await wrapper.setProps({ item: row('a2', '第二个') })
      await flushPromises()
      releaseFirst(application('a1', '第一个项目的内容'))
      await flushPromises()
      await nextTick()
      expect(get).toHaveBeenNthCalledWith(1, 'a1')
      expect(get).toHaveBeenNthCalledWith(2, 'a2')
      const text = wrapper.text()
      expect(text).toContain('第二个项目的内容')
      expect(text).not.toContain('第一个项目的内容')
      wrapper.unmount()
    },
    SLOW,
  )
})
