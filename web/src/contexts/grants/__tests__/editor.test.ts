import { flushPromises, mount } from '@vue/test-utils'
import { ElMessageBox, type MessageBoxData } from 'element-plus'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import { ApiError } from '@/shared/api/errors'
import { i18n, registerMessages } from '@/shared/i18n'

import { grantsApi, type Application } from '../api'
import grantsEn from '../locales/en.json'
import grantsZh from '../locales/zh-CN.json'
import ApplicationEditorPage from '../pages/ApplicationEditorPage.vue'
import { CALL } from './fixtures'

registerMessages({ 'zh-CN': grantsZh, en: grantsEn })

const base: Application = {
  id: 'a1',
  call: 'zg2021',
  category: 'medical',
  subtype: 'general',
  title: '项目',
  data: {},
  status: 'draft',
  version: 1,
  updated_at: '2026-01-01T00:00:00Z',
}

function mountEditor() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'grants-mine', component: { template: '<div />' } },
      { path: '/e/:id', name: 'grants-application', component: ApplicationEditorPage },
    ],
  })
  return mount(ApplicationEditorPage, {
    props: { id: 'a1' },
    global: { plugins: [i18n, router] },
  })
}

describe('application editor', () => {
  beforeEach(() => {
    localStorage.clear()
    vi.spyOn(grantsApi, 'callDocument').mockResolvedValue(CALL)
    vi.spyOn(grantsApi, 'attachments').mockResolvedValue([])
  })
  afterEach(() => vi.useRealTimers())

  it('restores unsaved input from localStorage and saves it', async () => {
    localStorage.setItem(
      'kc_grants_draft_a1',
      JSON.stringify({
        version: 1,
        at: '',
        value: {
          title: '项目',
          data: { project_name: '离线输入' },
        },
      }),
    )
    vi.spyOn(grantsApi, 'get').mockResolvedValue(base)
    const save = vi
      .spyOn(grantsApi, 'saveDraft')
      .mockResolvedValue({ version: 2, saved_at: '2026-01-01T00:00:01Z' })
    const wrapper = mountEditor()
    await flushPromises()
    const input = wrapper.get('[data-testid="f-project_name"]')
    expect((input.element as HTMLInputElement).value).toBe('离线输入')
    await new Promise((r) => setTimeout(r, 2100))
    await flushPromises()
    expect(save).toHaveBeenCalledTimes(1)
    expect(save.mock.calls[0]?.[1]).toMatchObject({
      version: 1,
      title: '项目',
      data: { project_name: '离线输入', proposal: [] },
    })
    expect(localStorage.getItem('kc_grants_draft_a1')).toBeNull()
    wrapper.unmount()
  }, 10_000)

  it('keeps typed input locally when a save fails', async () => {
    vi.spyOn(grantsApi, 'get').mockResolvedValue(base)
    vi.spyOn(grantsApi, 'saveDraft').mockRejectedValue(new Error('offline'))
    const wrapper = mountEditor()
    await flushPromises()
    await wrapper.get('[data-testid="f-project_name"]').setValue('新名称')
    await flushPromises()
    const stored = JSON.parse(localStorage.getItem('kc_grants_draft_a1') ?? '{}') as {
      value?: { data?: { project_name?: string } }
    }
    expect(stored.value?.data?.project_name).toBe('新名称')
    wrapper.unmount()
  })

  it('reuses the Idempotency-Key when a submit is retried after a lost answer', async () => {
    vi.spyOn(grantsApi, 'get').mockResolvedValue(base)
    const confirm = vi
      .spyOn(ElMessageBox, 'confirm')
      .mockResolvedValue({ value: '', action: 'confirm' } as unknown as MessageBoxData)
    const submit = vi
      .spyOn(grantsApi, 'submit')
      .mockRejectedValueOnce(new ApiError({ status: 0, code: 'network_error' }))
      .mockResolvedValueOnce({ ...base, status: 'submitted', version: 2 })
    const wrapper = mountEditor()
    await flushPromises()
    await wrapper.get('[data-testid="submit"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="submit"]').trigger('click')
    await flushPromises()
    expect(submit).toHaveBeenCalledTimes(2)
    expect(submit.mock.calls[0]?.[1]).toBe(submit.mock.calls[1]?.[1])
    expect(confirm).toHaveBeenCalledTimes(1)
    expect(wrapper.find('[data-testid="application-readonly"]').exists()).toBe(true)
    wrapper.unmount()
  })
})

describe('application editor with the configured form', () => {
  beforeEach(() => {
    localStorage.clear()
    vi.spyOn(grantsApi, 'callDocument').mockResolvedValue(CALL)
    vi.spyOn(grantsApi, 'attachments').mockResolvedValue([])
  })

  it('renders the category form and shows submit errors under their fields', async () => {
    vi.spyOn(grantsApi, 'get').mockResolvedValue({
      ...base,
      data: { requested_fen: 600_000, pi: { name: '王工' }, members: [{}] },
    })
    vi.spyOn(ElMessageBox, 'confirm').mockResolvedValue({
      value: '',
      action: 'confirm',
    } as unknown as MessageBoxData)
    vi.spyOn(grantsApi, 'submit').mockRejectedValue(
      new ApiError({
        status: 422,
        code: 'validation_failed',
        errors: [
          { field: 'data.summary', code: 'required', message_zh: '此项为必填项' },
          { field: 'data.members.0.name', code: 'required', message_zh: '姓名必填' },
        ],
      }),
    )
    const wrapper = mountEditor()
    await flushPromises()
    const money = wrapper.get('[data-testid="field-requested_fen"] input')
    expect((money.element as HTMLInputElement).value).toBe('0.6')
    expect(wrapper.get('[data-testid="f-pi-name"]').element).toHaveProperty('value', '王工')
    expect(wrapper.get('[data-testid="field-proposal"]').classes()).toContain('is-required')
    await wrapper.get('[data-testid="submit"]').trigger('click')
    await flushPromises()
    // The message itself is rendered through a transition (checked in dynamicForm.test.ts).
    expect(wrapper.get('[data-testid="field-summary"]').classes()).toContain('is-error')
    expect(wrapper.get('[data-testid="field-members-0-name"]').classes()).toContain('is-error')
    expect(wrapper.get('[data-testid="field-project_name"]').classes()).not.toContain('is-error')
    expect(wrapper.find('[data-testid="submit-problems"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('lists failed eligibility rules, which belong to no field', async () => {
    vi.spyOn(grantsApi, 'get').mockResolvedValue(base)
    vi.spyOn(ElMessageBox, 'confirm').mockResolvedValue({
      value: '',
      action: 'confirm',
    } as unknown as MessageBoxData)
    vi.spyOn(grantsApi, 'submit').mockRejectedValue(
      new ApiError({
        status: 422,
        code: 'ineligible',
        errors: [
          { field: 'rules.pi_age', code: 'rule_failed', message_zh: '项目负责人原则上不超过60岁' },
        ],
      }),
    )
    const wrapper = mountEditor()
    await flushPromises()
    await wrapper.get('[data-testid="submit"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="submit-problems"]').text()).toContain('不超过60岁')
    wrapper.unmount()
  })
})
