import grantsEn from '@/contexts/grants/locales/en.json'
import grantsZhCN from '@/contexts/grants/locales/zh-CN.json'
import grantsProjectsEn from '@/contexts/grants/locales/projects.en.json'
import grantsProjectsZhCN from '@/contexts/grants/locales/projects.zh-CN.json'
import grantsReviewEn from '@/contexts/grants/locales/review.en.json'
import grantsReviewZhCN from '@/contexts/grants/locales/review.zh-CN.json'
import identityEn from '@/contexts/identity/locales/en.json'
import identityZhCN from '@/contexts/identity/locales/zh-CN.json'
import servicesEn from '@/contexts/services/locales/en.json'
import servicesZhCN from '@/contexts/services/locales/zh-CN.json'
import { i18n, registerMessages, setLocale, currentLocale } from '@/shared/i18n'

/** Every context's messages join the shared `common.*` ones. */
export function setupI18n() {
  registerMessages({ 'zh-CN': identityZhCN, en: identityEn })
  registerMessages({ 'zh-CN': grantsZhCN, en: grantsEn })
  registerMessages({ 'zh-CN': grantsReviewZhCN, en: grantsReviewEn })
  registerMessages({ 'zh-CN': grantsProjectsZhCN, en: grantsProjectsEn })
  registerMessages({ 'zh-CN': servicesZhCN, en: servicesEn })
  setLocale(currentLocale())
  return i18n
}
