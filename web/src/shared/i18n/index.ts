import 'dayjs/locale/zh-cn'
import { computed } from 'vue'
import { createI18n } from 'vue-i18n'
import elementEn from 'element-plus/es/locale/lang/en'
import elementZhCn from 'element-plus/es/locale/lang/zh-cn'

import en from '../locales/en.json'
import zhCN from '../locales/zh-CN.json'

export const SUPPORTED_LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof SUPPORTED_LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'zh-CN'
export const LOCALE_STORAGE_KEY = 'kc_locale'

export type MessageTree = { [key: string]: string | MessageTree }

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value)
}

function storedLocale(): Locale {
  try {
    const value = globalThis.localStorage?.getItem(LOCALE_STORAGE_KEY)
    return isLocale(value) ? value : DEFAULT_LOCALE
  } catch {
    return DEFAULT_LOCALE
  }
}

export const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: storedLocale(),
  fallbackLocale: DEFAULT_LOCALE,
  missingWarn: false,
  fallbackWarn: false,
  // Copies: merging context messages must not modify the imported JSON modules.
  messages: { 'zh-CN': structuredClone(zhCN), en: structuredClone(en) },
})

/** Adds a context's messages (each context owns `locales/{zh-CN,en}.json`). */
export function registerMessages(messages: Record<Locale, MessageTree>): void {
  for (const locale of SUPPORTED_LOCALES) {
    i18n.global.mergeLocaleMessage(locale, messages[locale])
  }
}

export function currentLocale(): Locale {
  const value = i18n.global.locale.value
  return isLocale(value) ? value : DEFAULT_LOCALE
}

/** Switches the UI language; Element Plus follows through `elementLocale`. */
export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  try {
    globalThis.localStorage?.setItem(LOCALE_STORAGE_KEY, locale)
  } catch {
    // storage may be unavailable (private mode); the choice then lasts for this page only
  }
  if (typeof document !== 'undefined') {
    document.documentElement.lang = locale
  }
}

/** Element Plus' own strings (pagination, date pickers …) in the current locale. */
export const elementLocale = computed(() =>
  i18n.global.locale.value === 'en' ? elementEn : elementZhCn,
)

export const t = i18n.global.t
