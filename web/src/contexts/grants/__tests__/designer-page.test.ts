import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import { ApiError } from '@/shared/api/errors'
import { i18n, registerMessages, setLocale } from '@/shared/i18n'

import FormDesigner from '../components/designer/FormDesigner.vue'
import grantsEn from '../locales/en.json'
import grantsZh from '../locales/zh-CN.json'
import CallConfigPage from '../pages/CallConfigPage.vue'
import { draftKey, emptyCall, readDraft, type FormDefinition } from '../utils/callConfig'
import { callConfigApi } from '../utils/callConfigApi'

registerMessages({ 'zh-CN': grantsZh, en: grantsEn })

/** Mounting Element Plus pages is slow under a parallel test run. */
const SLOW = 20_000

function mountPage(code = 'zg2027') {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'grants-calls', component: { template: '<div />' } },
      { path: '/c/:code', name: 'grants-call-config', component: CallConfigPage, props: true },
    ],
  })
  return mount(CallConfigPage, { props: { code }, global: { plugins: [i18n, router] } })
}

/** Element Plus puts a text input's attributes on the native input. */
function input(wrapper: ReturnType<typeof mount>, testid: string) {
  const el = wrapper.find(`[data-testid="${testid}"]`)
  return el.element.tagName === 'INPUT' || el.element.tagName === 'TEXTAREA' ? el : el.find('input')
}

const problem = (message: string) => ({
  field: 'document',
  code: 'invalid',
  message_zh: `中文：${message}`,
  message_en: `EN: ${message}`,
})

describe('call configuration page', () => {
  beforeEach(() => {
    localStorage.clear()
    setLocale('zh-CN')
  })
  afterEach(() => setLocale('zh-CN'))

  it(
    'lists every problem of a refused save, in the UI language, and keeps the edits',
    async () => {
      const server = emptyCall('zg2027', 2027, '2027年度计划')
      vi.spyOn(callConfigApi, 'get').mockResolvedValue(structuredClone(server))
      const save = vi.spyOn(callConfigApi, 'save').mockRejectedValue(
        new ApiError({
          status: 422,
          code: 'validation_failed',
          errors: [
            problem('call: eligibility rule age: parse error'),
            problem('submission window: the close must be after the open'),
          ],
        }),
      )
      const wrapper = mountPage()
      await flushPromises()

      const title = input(wrapper, 'call-title')
      await title.setValue('改过的名称')
      await wrapper.find('[data-testid="save-call"]').trigger('click')
      await flushPromises()

      expect(save).toHaveBeenCalledTimes(1)
      expect(save.mock.calls[0]?.[0].title).toBe('改过的名称')
      const panel = wrapper.find('[data-testid="problems-server"]')
      expect(panel.exists()).toBe(true)
      expect(panel.text()).toContain('服务器发现 2 个问题')
      const items = panel.findAll('[data-testid="problem"]').map((li) => li.text())
      expect(items).toEqual([
        '中文：call: eligibility rule age: parse error',
        '中文：submission window: the close must be after the open',
      ])

      // Nothing typed is lost: the field keeps the edit and a local draft has it.
      expect((title.element as HTMLInputElement).value).toBe('改过的名称')
      await new Promise((r) => setTimeout(r, 450))
      expect(readDraft('zg2027')?.document.title).toBe('改过的名称')

      setLocale('en')
      await flushPromises()
      expect(wrapper.find('[data-testid="problems-server"]').text()).toContain(
        'EN: submission window: the close must be after the open',
      )
      wrapper.unmount()
    },
    SLOW,
  )

  it(
    'restores a local draft over the server copy and clears it after saving',
    async () => {
      const server = emptyCall('zg2027', 2027, '服务器上的名称')
      const draft = structuredClone(server)
      draft.title = '草稿中的名称'
      localStorage.setItem(
        draftKey('zg2027'),
        JSON.stringify({ saved_at: '2027-01-01T02:00:00Z', document: draft, is_new: false }),
      )
      vi.spyOn(callConfigApi, 'get').mockResolvedValue(structuredClone(server))
      const save = vi
        .spyOn(callConfigApi, 'save')
        .mockImplementation((doc) => Promise.resolve(structuredClone(doc)))
      const wrapper = mountPage()
      await flushPromises()
      expect(wrapper.find('[data-testid="draft-restored"]').text()).toContain('2027-01-01 10:00:00')
      expect((input(wrapper, 'call-title').element as HTMLInputElement).value).toBe('草稿中的名称')
      await wrapper.find('[data-testid="save-call"]').trigger('click')
      await flushPromises()
      expect(save).toHaveBeenCalledTimes(1)
      expect(localStorage.getItem(draftKey('zg2027'))).toBeNull()
      expect(wrapper.find('[data-testid="dirty"]').exists()).toBe(false)
      wrapper.unmount()
    },
    SLOW,
  )

  it(
    'does not send a call whose form has local problems',
    async () => {
      const server = emptyCall('zg2027', 2027, '名称')
      server.categories[0].form.sections[0].fields.push({
        key: 'project_name',
        label_zh: '',
        label_en: '',
        required: false,
        type: 'select',
        options: [],
      })
      vi.spyOn(callConfigApi, 'get').mockResolvedValue(server)
      const save = vi.spyOn(callConfigApi, 'save')
      const wrapper = mountPage()
      await flushPromises()
      await wrapper.find('[data-testid="save-call"]').trigger('click')
      await flushPromises()
      expect(save).not.toHaveBeenCalled()
      const text = wrapper.find('[data-testid="problems-local"]').text()
      expect(text).toContain('字段编号“project_name”重复')
      expect(text).toContain('请至少添加一个选项')
      wrapper.unmount()
    },
    SLOW,
  )
})

describe('form designer component', () => {
  function mountDesigner(form: FormDefinition) {
    return mount(FormDesigner, {
      props: { modelValue: form, 'onUpdate:modelValue': () => undefined },
      global: { plugins: [i18n] },
    })
  }

  it(
    'adds a field from the palette, edits it and previews it',
    async () => {
      const form = emptyCall('x', 2026).categories[0].form
      const wrapper = mountDesigner(form)
      await wrapper.find('[data-testid="palette-select"]').trigger('click')
      expect(form.sections[0].fields.map((f) => f.key)).toEqual(['project_name', 'select_1'])
      // The new field is selected: its property panel shows, and the empty options are flagged.
      expect(wrapper.find('[data-testid="field-properties"]').exists()).toBe(true)
      expect(wrapper.findAll('[data-testid="inline-problem"]').map((p) => p.text())).toEqual([
        '请至少添加一个选项',
      ])
      await wrapper.find('[data-testid="add-option"]').trigger('click')
      const option = form.sections[0].fields[1]
      expect(option.type === 'select' && option.options).toHaveLength(1)
      await input(wrapper, 'field-label-zh').setValue('技术领域')
      expect(option.label_zh).toBe('技术领域')
      expect(wrapper.find('[data-testid="form-preview"]').text()).toContain('技术领域')

      await wrapper.findAll('[data-testid="field-duplicate"]')[1].trigger('click')
      expect(form.sections[0].fields.map((f) => f.key)).toEqual([
        'project_name',
        'select_1',
        'select_1_copy',
      ])
      await wrapper.findAll('[data-testid="field-up"]')[2].trigger('click')
      expect(form.sections[0].fields.map((f) => f.key)).toEqual([
        'project_name',
        'select_1_copy',
        'select_1',
      ])
      await wrapper.findAll('[data-testid="field-remove"]')[0].trigger('click')
      expect(form.sections[0].fields.map((f) => f.key)).toEqual(['select_1_copy', 'select_1'])
      wrapper.unmount()
    },
    SLOW,
  )
})
