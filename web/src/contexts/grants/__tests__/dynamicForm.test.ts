import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { afterEach, describe, expect, it } from 'vitest'
import { defineComponent, h, ref } from 'vue'

import { i18n, registerMessages } from '@/shared/i18n'
import { fenToWan, wanToFen } from '@/shared/utils/format'

import type { Attachment } from '../api'
import DynamicForm from '../components/form/DynamicForm.vue'
import grantsEn from '../locales/en.json'
import grantsZh from '../locales/zh-CN.json'
import type { AttachmentSlot } from '../utils/callDocument'
import {
  canAddRow,
  canRemoveRow,
  charCount,
  errorPath,
  normalizeData,
  toStoredData,
  type FormData,
} from '../utils/dynamicForm'
import { CALL, FORM } from './fixtures'

registerMessages({ 'zh-CN': grantsZh, en: grantsEn })

const members = FORM.sections[2].fields[1]
const slots = CALL.categories[0].subtypes[0].attachments as AttachmentSlot[]

describe('form data', () => {
  it('edits 万元 and stores integer fen, both ways', () => {
    for (const wan of [1, 0.5, 12.3456, 0.000001, 0.1 + 0.2]) {
      const fen = wanToFen(wan)
      expect(Number.isInteger(fen)).toBe(true)
      expect(fenToWan(fen)).toBeCloseTo(wan, 6)
    }
    expect(wanToFen(0.1 + 0.2)).toBe(300_000)
    expect(wanToFen(null)).toBeNull()
    expect(fenToWan(1_000_000)).toBe(1)
  })

  it('normalizes stored data: every field present, wrong types emptied, unknown keys kept', () => {
    const data = normalizeData(FORM, {
      project_name: '项目',
      requested_fen: 'x',
      pi: { name: '王工', extra: 1 },
      members: [{ name: '李工' }, 'bad'],
      legacy: true,
    })
    expect(data).toMatchObject({
      project_name: '项目',
      field: '',
      tags: [],
      summary: '',
      requested_fen: null,
      pi: { name: '王工', id_number: '', title: '', organisation: '' },
      members: [
        { name: '李工', role: '' },
        { name: '', role: '' },
      ],
      proposal: [],
      legacy: true,
    })
  })

  it('stores money as fen and leaves empty values out so optional fields pass', () => {
    const edited: FormData = {
      ...normalizeData(FORM, {}),
      project_name: '项目',
      requested_fen: 500_000.4,
      pi: { name: ' 王工 ', id_number: '', title: '', organisation: '' },
      members: [{ name: '李工', role: '' }],
      proposal: ['a1'],
    }
    const stored = toStoredData(FORM, edited)
    expect(stored).toEqual({
      project_name: '项目',
      tags: [],
      requested_fen: 500_000,
      pi: { name: '王工' },
      members: [{ name: '李工' }],
      proposal: ['a1'],
    })
    expect(normalizeData(FORM, stored).requested_fen).toBe(500_000)
  })

  it('keeps table rows within min and max', () => {
    expect(canAddRow(members, 1)).toBe(true)
    expect(canAddRow(members, 2)).toBe(false)
    expect(canRemoveRow(members, 1)).toBe(true)
    expect(canRemoveRow({ ...members, required: true }, 1)).toBe(false)
    expect(canRemoveRow({ ...members, min_rows: 2 } as typeof members, 2)).toBe(false)
  })

  it('maps server error fields to data paths and counts characters like the server', () => {
    expect(errorPath('data.members.1.name')).toBe('members.1.name')
    expect(errorPath('data.summary')).toBe('summary')
    expect(errorPath('title')).toBe('title')
    expect(errorPath('rules.pi_age')).toBeNull()
    expect(errorPath('data.')).toBeNull()
    expect(charCount('一二三😀')).toBe(4)
  })
})

function mountForm(
  options: {
    data?: FormData
    errors?: Record<string, string>
    attachments?: Attachment[]
    readonly?: boolean
  } = {},
) {
  const data = ref<FormData>(options.data ?? normalizeData(FORM, {}))
  const Host = defineComponent(
    () => () =>
      h(
        'form',
        {},
        h(DynamicForm, {
          form: FORM,
          slots,
          attachments: options.attachments ?? [],
          applicationId: 'a1',
          errors: options.errors ?? {},
          readonly: options.readonly ?? false,
          modelValue: data.value,
          'onUpdate:modelValue': (v: FormData) => (data.value = v),
        }),
      ),
  )
  const wrapper = mount(Host, { global: { plugins: [i18n, ElementPlus] }, attachTo: document.body })
  return { wrapper, data }
}

describe('DynamicForm', () => {
  afterEach(() => {
    document.body.innerHTML = ''
    i18n.global.locale.value = 'zh-CN'
  })

  it('renders the sections with Chinese labels and marks required fields', () => {
    const { wrapper } = mountForm()
    const text = wrapper.text()
    expect(text).toContain('项目基本信息')
    expect(text).toContain('申请经费（万元）')
    const item = (key: string) => wrapper.get(`[data-testid="field-${key}"]`)
    expect(item('project_name').classes()).toContain('is-required')
    expect(item('requested_fen').classes()).toContain('is-required')
    expect(item('start_date').classes()).not.toContain('is-required')
    // A sub-type slot no file field covers is listed, marked required; the covered one is not.
    expect(wrapper.find('[data-testid="slot-ethics"]').classes()).toContain('is-required')
    expect(wrapper.find('[data-testid="slot-proposal"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('switches labels to English', async () => {
    i18n.global.locale.value = 'en'
    const { wrapper } = mountForm()
    await flushPromises()
    expect(wrapper.text()).toContain('Funding requested (10k CNY)')
    expect(wrapper.text()).toContain('Team members')
    wrapper.unmount()
  })

  it('edits money in 万元 and keeps fen in the data', async () => {
    const { wrapper, data } = mountForm({ data: normalizeData(FORM, { requested_fen: 250_000 }) })
    const input = wrapper.get('[data-testid="field-requested_fen"] input')
    expect((input.element as HTMLInputElement).value).toBe('0.25')
    await input.setValue('0.75')
    await input.trigger('blur')
    await flushPromises()
    expect(data.value.requested_fen).toBe(750_000)
    wrapper.unmount()
  })

  it('shows a word counter that turns red over the limit', async () => {
    const { wrapper } = mountForm()
    await wrapper.get('textarea[data-testid="f-summary"]').setValue('一二三四五六七八九十一')
    const counter = wrapper.get('[data-testid="f-summary-count"]')
    expect(counter.text()).toContain('11 / 10')
    expect(counter.classes()).toContain('field__counter--over')
    wrapper.unmount()
  })

  it('adds table rows up to max_rows and removes them', async () => {
    const { wrapper, data } = mountForm()
    const add = () => wrapper.get('[data-testid="f-members-add"]')
    await add().trigger('click')
    await add().trigger('click')
    expect((data.value.members as unknown[]).length).toBe(2)
    expect(add().attributes('disabled')).toBeDefined()
    await add().trigger('click')
    expect((data.value.members as unknown[]).length).toBe(2)
    await wrapper.get('[data-testid="f-members-0-name"]').setValue('李工')
    expect(data.value.members).toEqual([
      { name: '李工', role: '' },
      { name: '', role: '' },
    ])
    await wrapper.get('[data-testid="f-members-remove-1"]').trigger('click')
    expect(data.value.members).toEqual([{ name: '李工', role: '' }])
    expect(wrapper.text()).toContain('已填 1 行，最多 2 行')
    wrapper.unmount()
  })

  it('edits the person sub-fields', async () => {
    const { wrapper, data } = mountForm()
    await wrapper.get('[data-testid="f-pi-name"]').setValue('王工')
    await wrapper.get('[data-testid="f-pi-id_number"]').setValue('510302198001011234')
    expect(data.value.pi).toEqual({
      name: '王工',
      id_number: '510302198001011234',
      title: '',
      organisation: '',
    })
    expect(wrapper.get('[data-testid="field-pi"]').text()).toContain('身份证号')
    wrapper.unmount()
  })

  it('shows a server error under its field, nested ones under the sub-field', async () => {
    const { wrapper } = mountForm({
      data: normalizeData(FORM, { members: [{}] }),
      errors: { summary: '此项为必填项', 'pi.name': '姓名必填', 'members.0.name': '最多 20 字' },
    })
    await flushPromises()
    expect(wrapper.get('[data-testid="field-summary"] .el-form-item__error').text()).toBe(
      '此项为必填项',
    )
    expect(wrapper.get('[data-testid="field-pi"]').text()).toContain('姓名必填')
    expect(wrapper.get('[data-testid="field-members-0-name"] .el-form-item__error').text()).toBe(
      '最多 20 字',
    )
    expect(
      wrapper.get('[data-testid="field-project_name"]').find('.el-form-item__error').exists(),
    ).toBe(false)
    wrapper.unmount()
  })

  it('lists uploaded files with name and size, and removes one from the field', async () => {
    const attachment: Attachment = {
      id: 'att1',
      slot: 'proposal',
      file_name: '申报书.pdf',
      content_type: 'application/pdf',
      size: 2048,
      sha256: '',
      created_at: '2026-01-01T00:00:00Z',
    }
    const { wrapper, data } = mountForm({
      data: normalizeData(FORM, { proposal: ['att1'] }),
      attachments: [attachment],
    })
    const file = wrapper.get('[data-testid="f-proposal-file"]')
    expect(file.text()).toBe('申报书.pdf')
    expect(file.attributes('href')).toBe('/api/v1/attachments/att1')
    expect(wrapper.get('[data-testid="f-proposal"]').text()).toContain('2 KB')
    // max_files 1 reached: no upload button until the file is removed.
    expect(wrapper.find('[data-testid="f-proposal-upload"]').exists()).toBe(false)
    await wrapper.get('[data-testid="f-proposal-remove"]').trigger('click')
    expect(data.value.proposal).toEqual([])
    expect(wrapper.find('[data-testid="f-proposal-upload"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('shows values as text when read-only', () => {
    const { wrapper } = mountForm({
      readonly: true,
      data: normalizeData(FORM, {
        field: 'health',
        requested_fen: 1_000_000,
        pi: { name: '王工' },
      }),
    })
    expect(wrapper.find('input').exists()).toBe(false)
    expect(wrapper.get('[data-testid="f-field"]').text()).toBe('医疗卫生')
    expect(wrapper.get('[data-testid="f-requested_fen"]').text()).toBe('1 万元')
    expect(wrapper.get('[data-testid="f-pi"]').text()).toBe('王工')
    wrapper.unmount()
  })
})
