import { grantsEn, grantsZhCN } from '@/contexts/grants/locales'
import identityEn from '@/contexts/identity/locales/en.json'
import identityZhCN from '@/contexts/identity/locales/zh-CN.json'
import servicesEn from '@/contexts/services/locales/en.json'
import servicesZhCN from '@/contexts/services/locales/zh-CN.json'
import { i18n, registerMessages, setLocale, currentLocale } from '@/shared/i18n'

/** Every context's messages join the shared `common.*` ones. */
export function setupI18n() {
  registerMessages({ 'zh-CN': identityZhCN, en: identityEn })
  registerMessages({ 'zh-CN': grantsZhCN, en: grantsEn })
  registerMessages({ 'zh-CN': servicesZhCN, en: servicesEn })
  setLocale(currentLocale())
  return i18n
}
