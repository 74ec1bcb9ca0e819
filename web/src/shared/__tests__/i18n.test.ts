import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'

import { grantsEn, grantsZhCN as grantsZh } from '@/contexts/grants/locales'
import identityEn from '@/contexts/identity/locales/en.json'
import identityZh from '@/contexts/identity/locales/zh-CN.json'
import servicesEn from '@/contexts/services/locales/en.json'
import servicesZh from '@/contexts/services/locales/zh-CN.json'

import LocaleSwitch from '../components/LocaleSwitch.vue'
import {
  currentLocale,
  elementLocale,
  i18n,
  LOCALE_STORAGE_KEY,
  registerMessages,
  setLocale,
  t,
} from '../i18n'
import en from '../locales/en.json'
import zhCN from '../locales/zh-CN.json'

registerMessages({ 'zh-CN': identityZh, en: identityEn })
registerMessages({ 'zh-CN': grantsZh, en: grantsEn })
registerMessages({ 'zh-CN': servicesZh, en: servicesEn })

afterEach(() => {
  setLocale('zh-CN')
})

type Tree = { [key: string]: string | Tree }

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keys(value, `${prefix}${key}.`),
  )
}

describe('locale switch', () => {
  it('defaults to zh-CN', () => {
    expect(currentLocale()).toBe('zh-CN')
    expect(t('common.table.export')).toBe('导出 Excel')
  })

  it('switches vue-i18n, Element Plus, <html lang> and remembers the choice', () => {
    setLocale('en')
    expect(i18n.global.locale.value).toBe('en')
    expect(t('common.table.export')).toBe('Export to Excel')
    expect(elementLocale.value.name).toBe('en')
    expect(document.documentElement.lang).toBe('en')
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('en')

    setLocale('zh-CN')
    expect(elementLocale.value.name).toBe('zh-cn')
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('zh-CN')
  })

  it('falls back to zh-CN for a key missing in en', () => {
    i18n.global.mergeLocaleMessage('zh-CN', { common: { onlyZh: '仅中文' } })
    setLocale('en')
    expect(t('common.onlyZh')).toBe('仅中文')
  })

  it('LocaleSwitch changes the language when clicked', async () => {
    const wrapper = mount(LocaleSwitch, { global: { plugins: [i18n] } })
    await wrapper.get('[data-testid="locale-en"] input').setValue(true)
    await nextTick()
    expect(currentLocale()).toBe('en')
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('en')
    wrapper.unmount()
  })
})

describe('locale files', () => {
  it('zh-CN and en have the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort())
    expect(keys(identityEn).sort()).toEqual(keys(identityZh).sort())
    expect(keys(grantsEn).sort()).toEqual(keys(grantsZh).sort())
    expect(keys(servicesEn).sort()).toEqual(keys(servicesZh).sort())
  })

  it('every literal key used in the source exists in zh-CN', () => {
    const known = new Set([
      ...keys(zhCN),
      ...keys(identityZh),
      ...keys(grantsZh),
      ...keys(servicesZh),
    ])
    const root = join(__dirname, '..', '..')
    const files: string[] = []
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) {
          if (name !== '__tests__') walk(path)
        } else if (/\.(ts|vue)$/.test(name) && !name.endsWith('.d.ts')) files.push(path)
      }
    }
    walk(root)
    const missing: string[] = []
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
      for (const match of text.matchAll(
        /\bt\(\s*'((?:common|identity|grants|services)\.[\w.]+)'/g,
      )) {
        if (match[1] && !known.has(match[1])) missing.push(`${match[1]} (${file})`)
      }
      for (const match of text.matchAll(/titleKey: '([\w.]+)'/g)) {
        if (match[1] && !known.has(match[1])) missing.push(`${match[1]} (${file})`)
      }
    }
    expect(missing).toEqual([])
  })

  it('every problem code of the contract has a fallback message', () => {
    const codes = [
      'validation_failed',
      'invalid_credentials',
      'unauthenticated',
      'forbidden',
      'csrf_failed',
      'account_pending',
      'account_rejected',
      'account_disabled',
      'account_locked',
      'rate_limited',
      'not_found',
      'username_taken',
      'credit_code_taken',
      'conflict',
      'bad_request',
    ]
    const known = new Set(keys(zhCN))
    expect(codes.filter((c) => !known.has(`common.errors.${c}`))).toEqual([])
  })
})
