import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'

import { ApiError, toFormErrors, type Problem } from '@/shared/api/errors'
import { useServerErrors } from '@/shared/form/useServerErrors'

import {
  CODE_FIELDS,
  emptyDraft,
  REGISTRATION_STORAGE_KEY,
  stepOfField,
  toRegistrationBody,
  useRegistrationStore,
} from '../stores/registration'

const validation: Problem = {
  type: 'https://kechuang.org.cn/problems/validation_failed',
  title: 'Validation failed',
  status: 422,
  code: 'validation_failed',
  message_zh: '请检查填写的内容',
  message_en: 'Please check the highlighted fields',
  errors: [
    {
      field: 'new_organisation.credit_code',
      code: 'credit_code_check_digit',
      message_zh: '校验位错误',
      message_en: 'Wrong check digit',
    },
    {
      field: 'password',
      code: 'too_short',
      message_zh: '密码至少 10 个字符',
      message_en: 'Use at least 10 characters',
    },
    { field: 'password', code: 'common', message_zh: '密码过于常见', message_en: 'Too common' },
    { field: 'row 3: username', code: 'required', message_zh: '必填', message_en: 'Required' },
  ],
}

describe('problem → el-form errors', () => {
  it('maps fields to props in the requested language, joining several messages', () => {
    const { errors, unmatched } = toFormErrors(validation, {
      locale: 'zh-CN',
      mapField: (f) => (f.startsWith('row ') ? null : f),
    })
    expect(errors).toEqual({
      'new_organisation.credit_code': '校验位错误',
      password: '密码至少 10 个字符；密码过于常见',
    })
    expect(unmatched.map((u) => u.field)).toEqual(['row 3: username'])

    const en = toFormErrors(validation, {
      locale: 'en',
      mapField: (f) => (f === 'password' ? 'next' : null),
    })
    expect(en.errors).toEqual({ next: 'Use at least 10 characters；Too common' })
  })

  it('falls back to the other language, then to the code', () => {
    const { errors } = toFormErrors(
      {
        status: 422,
        code: 'validation_failed',
        errors: [
          { field: 'a', code: 'x', message_zh: '仅中文' },
          { field: 'b', code: 'bare_code' },
        ],
      },
      { locale: 'en' },
    )
    expect(errors).toEqual({ a: '仅中文', b: 'bare_code' })
  })

  it('useServerErrors fills and clears the reactive error map', () => {
    const server = useServerErrors()
    const result = server.apply(new ApiError(validation), (f) =>
      f === 'password' ? 'password' : null,
    )
    expect(result.matched).toEqual(['password'])
    expect(server.errors.password).toContain('密码至少 10 个字符')
    server.clear()
    expect(server.errors).toEqual({})
    expect(server.apply(new Error('boom')).matched).toEqual([])
  })
})

describe('registration wizard', () => {
  beforeEach(() => {
    sessionStorage.clear()
    setActivePinia(createPinia())
  })

  it('sends each server field to its step', () => {
    expect(stepOfField('account_type')).toBe(0)
    expect(stepOfField('organisation_id')).toBe(1)
    expect(stepOfField('new_organisation.credit_code')).toBe(1)
    expect(stepOfField('recommender_id')).toBe(2)
    expect(stepOfField('username')).toBe(3)
    expect(stepOfField('password')).toBe(3)
    expect(CODE_FIELDS.username_taken).toBe('username')
    expect(stepOfField(CODE_FIELDS.credit_code_taken ?? '')).toBe(1)
  })

  it('builds the request body with money in fen and exactly one organisation', () => {
    const draft = emptyDraft()
    draft.accountType = 'unit_applicant'
    draft.orgMode = 'new'
    draft.newOrg = {
      name: ' 自贡测试科技有限公司 ',
      credit_code: '91350100m000100y43',
      org_type: 'enterprise',
      district: '510302',
      registered_capital_wan: 500,
      last_year_revenue_wan: null,
    }
    draft.recommenderId = 'r1'
    draft.account = {
      username: 'u1',
      display_name: '张三',
      phone: '13900000000',
      email: 'u1@example.com',
    }
    const body = toRegistrationBody(draft, 'Secret#2026x')
    expect(body.new_organisation).toEqual({
      name: '自贡测试科技有限公司',
      credit_code: '91350100M000100Y43',
      org_type: 'enterprise',
      district: '510302',
      registered_capital_fen: 500_000_000,
      last_year_revenue_fen: null,
    })
    expect(body.organisation_id).toBeUndefined()
    expect(body.password).toBe('Secret#2026x')

    draft.orgMode = 'existing'
    draft.organisation = {
      id: 'o1',
      name: 'x',
      credit_code: 'y',
      org_type: 'university',
      district: null,
    }
    const existing = toRegistrationBody(draft, 'p')
    expect(existing.organisation_id).toBe('o1')
    expect(existing.new_organisation).toBeUndefined()
  })

  it('keeps typed input in sessionStorage, but never the passwords', async () => {
    const store = useRegistrationStore()
    store.draft.account.username = 'keepme'
    store.password = 'Secret#2026x'
    store.passwordConfirm = 'Secret#2026x'
    await Promise.resolve()
    store.persist()
    const saved = sessionStorage.getItem(REGISTRATION_STORAGE_KEY) ?? ''
    expect(saved).toContain('keepme')
    expect(saved).not.toContain('Secret#2026x')

    setActivePinia(createPinia())
    const restored = useRegistrationStore()
    expect(restored.draft.account.username).toBe('keepme')
    expect(restored.password).toBe('')
  })
})
