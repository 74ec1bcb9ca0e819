import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import { i18n, registerMessages } from '@/shared/i18n'

import SubtypeEditor from '../components/designer/SubtypeEditor.vue'
import WanInput from '../components/designer/WanInput.vue'
import grantsEn from '../locales/en.json'
import grantsZh from '../locales/zh-CN.json'
import {
  callProblems,
  copyCall,
  emptyCall,
  emptySubtype,
  fenToWan,
  moveItem,
  normalizeCall,
  parseCallJson,
  shanghaiToUtc,
  utcToShanghai,
  wanToFen,
  windowOpen,
  type FormDefinition,
} from '../utils/callConfig'
import {
  addField,
  addSection,
  allKeys,
  changeType,
  designProblems,
  duplicateField,
  moveField,
  removeField,
  setFieldType,
} from '../utils/designer'

registerMessages({ 'zh-CN': grantsZh, en: grantsEn })

/** Mounting Element Plus pages is slow under a parallel test run. */
const SLOW = 20_000

describe('Asia/Shanghai wall-clock times', () => {
  it('shows a UTC instant as Shanghai time to the second', () => {
    expect(utcToShanghai('2021-04-15T10:00:00Z')).toBe('2021-04-15 18:00:00')
    expect(utcToShanghai('2021-01-19T16:00:00Z')).toBe('2021-01-20 00:00:00')
    expect(utcToShanghai('2021-12-31T23:59:59Z')).toBe('2022-01-01 07:59:59')
    expect(utcToShanghai('2021-04-15T18:00:00+08:00')).toBe('2021-04-15 18:00:00')
    expect(utcToShanghai(null)).toBeNull()
    expect(utcToShanghai('not a date')).toBeNull()
  })

  it('reads Shanghai wall time back as the UTC instant the server writes', () => {
    expect(shanghaiToUtc('2021-04-15 18:00:00')).toBe('2021-04-15T10:00:00Z')
    expect(shanghaiToUtc('2021-01-20 00:00:00')).toBe('2021-01-19T16:00:00Z')
    expect(shanghaiToUtc('2021-04-15 17:59:59')).toBe('2021-04-15T09:59:59Z')
    expect(shanghaiToUtc('2021-04-15T18:00')).toBe('2021-04-15T10:00:00Z')
    expect(shanghaiToUtc('2021-02-30 10:00:00')).toBeNull()
    expect(shanghaiToUtc('2021-04-15 24:00:00')).toBeNull()
    expect(shanghaiToUtc('')).toBeNull()
  })

  it('round-trips whatever the browser zone (the math never uses local time)', () => {
    for (const iso of ['2021-03-14T07:30:00Z', '2021-10-31T01:30:00Z', '2024-02-29T15:59:59Z']) {
      expect(shanghaiToUtc(utcToShanghai(iso))).toBe(iso)
    }
  })

  it('treats the window as open from the opening second until before the closing one', () => {
    const w = { opens_at: '2021-01-19T16:00:00Z', closes_at: '2021-04-15T10:00:00Z' }
    expect(windowOpen(w, new Date('2021-04-15T09:59:59Z'))).toBe(true)
    expect(windowOpen(w, new Date('2021-04-15T10:00:00Z'))).toBe(false)
    expect(windowOpen(w, new Date('2021-01-19T16:00:00Z'))).toBe(true)
    expect(windowOpen(w, new Date('2021-01-19T15:59:59Z'))).toBe(false)
  })
})

describe('万元 ↔ fen', () => {
  it('converts with integer fen and no float noise', () => {
    expect(wanToFen(100)).toBe(100_000_000)
    expect(wanToFen(0.1 + 0.2)).toBe(300_000)
    expect(wanToFen(12.3456)).toBe(12_345_600)
    expect(wanToFen(null)).toBeNull()
    expect(fenToWan(40_000_000)).toBe(40)
    expect(fenToWan(null)).toBeNull()
  })

  it(
    'WanInput shows fen as 万元 and emits fen',
    async () => {
      const wrapper = mount(WanInput, {
        props: { modelValue: 40_000_000, 'onUpdate:modelValue': () => undefined },
        global: { plugins: [i18n] },
      })
      const input = wrapper.find('input')
      expect((input.element as HTMLInputElement).value).toBe('40')
      await input.setValue('12.5')
      await input.trigger('change')
      const emitted = wrapper.emitted('update:modelValue') ?? []
      expect(emitted.at(-1)).toEqual([12_500_000])
    },
    SLOW,
  )

  it(
    "a sub-type's max funding is edited in 万元 and stored in fen",
    async () => {
      const subtype = emptySubtype('major')
      subtype.max_funding_fen = 100_000_000
      const wrapper = mount(SubtypeEditor, {
        props: { modelValue: subtype, 'onUpdate:modelValue': () => undefined },
        global: { plugins: [i18n] },
      })
      const input = wrapper.find('[data-testid="subtype-max-funding"] input')
      expect((input.element as HTMLInputElement).value).toBe('100')
      await input.setValue('40')
      await input.trigger('change')
      await flushPromises()
      expect(subtype.max_funding_fen).toBe(40_000_000)
    },
    SLOW,
  )
})

function form(): FormDefinition {
  return {
    sections: [
      {
        key: 'basic',
        title_zh: '基本信息',
        title_en: 'Basics',
        fields: [
          {
            key: 'project_name',
            label_zh: '项目名称',
            label_en: 'Name',
            required: true,
            type: 'text',
            max_chars: 40,
          },
          {
            key: 'field',
            label_zh: '领域',
            label_en: 'Field',
            required: true,
            type: 'select',
            options: [{ value: 'a', label_zh: '甲', label_en: 'A' }],
          },
        ],
      },
      { key: 'team', title_zh: '团队', title_en: 'Team', fields: [] },
    ],
  }
}

const unique = (keys: string[]) => new Set(keys).size === keys.length

describe('form designer operations', () => {
  it('adds fields of a type under fresh unique keys', () => {
    const f = form()
    const a = addField(f, 0, 'text')
    const b = addField(f, 0, 'text')
    const c = addField(f, 1, 'money', { labels: { zh: '新字段', en: 'New field' } })
    expect(f.sections[0]?.fields[a.field]?.key).toBe('text_1')
    expect(f.sections[0]?.fields[b.field]?.key).toBe('text_2')
    expect(f.sections[1]?.fields[c.field]).toMatchObject({
      key: 'money_1',
      type: 'money',
      min_fen: null,
      max_fen: null,
    })
    expect(unique(allKeys(f))).toBe(true)
    // Inserted right after the selected field.
    const d = addField(f, 0, 'date', { after: 0 })
    expect(d).toEqual({ section: 0, field: 1 })
    expect(f.sections[0]?.fields[1]?.type).toBe('date')
  })

  it('duplicates under a new key and keeps keys unique', () => {
    const f = form()
    const first = duplicateField(f, { section: 0, field: 0 })
    const second = duplicateField(f, { section: 0, field: 0 })
    expect(f.sections[0]?.fields[first.field + 1]?.key).toBe('project_name_copy')
    expect(f.sections[0]?.fields[second.field]?.key).toBe('project_name_copy_2')
    expect(unique(allKeys(f))).toBe(true)
    // A deep copy: editing the copy leaves the original alone.
    const copy = f.sections[0]?.fields[1]
    if (copy) copy.label_zh = '副本'
    expect(f.sections[0]?.fields[0]?.label_zh).toBe('项目名称')
  })

  it('moves fields within and across sections', () => {
    const f = form()
    expect(moveField(f, { section: 0, field: 0 }, 1)).toEqual({ section: 0, field: 1 })
    expect(f.sections[0]?.fields.map((x) => x.key)).toEqual(['field', 'project_name'])
    // Past the end of a section: to the start of the next one.
    expect(moveField(f, { section: 0, field: 1 }, 1)).toEqual({ section: 1, field: 0 })
    expect(f.sections[1]?.fields.map((x) => x.key)).toEqual(['project_name'])
    // And back up to the end of the previous one.
    expect(moveField(f, { section: 1, field: 0 }, -1)).toEqual({ section: 0, field: 1 })
    // The first field of the form stays put.
    expect(moveField(f, { section: 0, field: 0 }, -1)).toEqual({ section: 0, field: 0 })
    expect(allKeys(f).sort()).toEqual(['field', 'project_name'])
  })

  it('deletes a field, and a new field does not reuse a key still in use', () => {
    const f = form()
    addField(f, 0, 'text')
    addField(f, 0, 'text')
    removeField(f, { section: 0, field: 2 }) // text_1
    expect(allKeys(f)).toEqual(['project_name', 'field', 'text_2'])
    const again = addField(f, 0, 'text')
    expect(f.sections[0]?.fields[again.field]?.key).toBe('text_1')
    expect(unique(allKeys(f))).toBe(true)
  })

  it('changing the type keeps key, labels and required; compatible limits survive', () => {
    const f = form()
    setFieldType(f, { section: 0, field: 0 }, 'long_text')
    expect(f.sections[0]?.fields[0]).toEqual({
      key: 'project_name',
      label_zh: '项目名称',
      label_en: 'Name',
      required: true,
      type: 'long_text',
      max_chars: 40,
    })
    setFieldType(f, { section: 0, field: 0 }, 'money')
    expect(f.sections[0]?.fields[0]).toMatchObject({
      label_zh: '项目名称',
      type: 'money',
      min_fen: null,
    })
    expect(f.sections[0]?.fields[0]).not.toHaveProperty('max_chars')
    const multi = changeType(f.sections[0].fields[1], 'multi_select')
    expect(multi).toMatchObject({ key: 'field', label_en: 'Field', type: 'multi_select' })
    expect(multi.type === 'multi_select' && multi.options).toHaveLength(1)
  })

  it('adds sections with unique keys', () => {
    const f = form()
    addSection(f)
    addSection(f)
    expect(f.sections.map((s) => s.key)).toEqual(['basic', 'team', 'section_3', 'section_4'])
  })

  it('flags duplicate keys, missing labels, empty options and bad columns', () => {
    const f = form()
    expect(designProblems(f)).toEqual([])
    const dup = addField(f, 1, 'select', { labels: { zh: '甲', en: 'A' } })
    const select = f.sections[1].fields[dup.field]
    select.key = 'project_name'
    const table = addField(f, 1, 'table', { labels: { zh: '表', en: 'T' } })
    const tf = f.sections[1].fields[table.field]
    if (tf.type === 'table') {
      tf.columns.push({
        key: 'bad key',
        label_zh: '',
        label_en: 'x',
        required: false,
        type: 'text',
        max_chars: null,
      })
    }
    const codes = designProblems(f).map(
      (p) => `${p.section}/${p.field}${p.column !== undefined ? `/${p.column}` : ''}:${p.code}`,
    )
    expect(codes).toEqual([
      '0/0:keyDuplicate',
      '1/0:keyDuplicate',
      '1/0:optionsMissing',
      '1/1/0:keyInvalid',
      '1/1/0:labelMissing',
    ])
  })

  it('moveItem stops at the ends', () => {
    const list = ['a', 'b', 'c']
    expect(moveItem(list, 0, -1)).toBe(0)
    expect(moveItem(list, 2, 1)).toBe(2)
    expect(moveItem(list, 0, 1)).toBe(1)
    expect(list).toEqual(['b', 'a', 'c'])
  })
})

describe('call documents', () => {
  it('an empty template is complete and passes the local checks once titled', () => {
    const call = emptyCall('zg2027', 2027, '2027年度计划')
    expect(call.submission).toEqual({
      opens_at: '2026-12-31T16:00:00Z',
      closes_at: '2027-03-31T10:00:00Z',
    })
    expect(call.recommender_deadline).toBe('2027-04-15T10:00:00Z')
    expect(callProblems(call)).toEqual([])
    expect(designProblems(call.categories[0].form)).toEqual([])
    expect(callProblems(emptyCall('bad code', 2027)).map((p) => p.code)).toEqual(['code', 'title'])
  })

  it('copies a call under a new code without touching the source', () => {
    const source = emptyCall('a', 2026, 'A')
    const copy = copyCall(source, 'b', { year: 2027 })
    copy.categories[0].code = 'changed'
    expect(copy).toMatchObject({ code: 'b', year: 2027, title: 'A' })
    expect(source.categories[0].code).toBe('category_1')
  })

  it('imports JSON, filling in what the server defaults', () => {
    const doc = emptyCall('x', 2026, 'X') as unknown as Record<string, unknown>
    delete doc.quotas
    delete doc.eligibility
    const parsed = parseCallJson(JSON.stringify(doc))
    expect(parsed.ok && parsed.document.quotas).toEqual([])
    expect(parseCallJson('{').ok).toBe(false)
    expect(parseCallJson('{"code": 1}')).toEqual({ ok: false, reason: 'shape' })
  })

  it('checks windows, caps and quota categories like the server', () => {
    const call = normalizeCall(emptyCall('c', 2026, 'C'))
    call.submission.closes_at = call.submission.opens_at
    call.categories[0].subtypes[0].max_funding_fen = 0
    call.quotas.push({
      code: 'q',
      scope: { kind: 'organisation' },
      categories: ['nope'],
      subtypes: null,
      calls: null,
      recommender_kinds: null,
      exempt: [],
      limit: 1,
      message_zh: 'x',
      message_en: 'x',
    })
    expect(callProblems(call).map((p) => p.code)).toEqual(['window', 'caps', 'quotaCategory'])
  })
})
