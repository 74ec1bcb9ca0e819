import identityEn from '@/contexts/identity/locales/en.json'
import identityZhCN from '@/contexts/identity/locales/zh-CN.json'
import { i18n, registerMessages, setLocale, currentLocale, type MessageTree } from '@/shared/i18n'

/** Every context's messages join the shared `common.*` ones. */
export function setupI18n() {
  registerMessages({ 'zh-CN': identityZhCN as MessageTree, en: identityEn as MessageTree })
  setLocale(currentLocale())
  return i18n
}
