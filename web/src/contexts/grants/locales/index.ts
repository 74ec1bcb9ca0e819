import type { MessageTree } from '@/shared/i18n'

import en from './en.json'
import projectsEn from './projects.en.json'
import projectsZhCN from './projects.zh-CN.json'
import reviewEn from './review.en.json'
import reviewZhCN from './review.zh-CN.json'
import zhCN from './zh-CN.json'

/** The grants context's messages: applications, review, and funding/projects, one tree per locale. */
function merged(...parts: { grants: MessageTree }[]): { grants: MessageTree } {
  return { grants: Object.assign({}, ...parts.map((p) => p.grants)) as MessageTree }
}

export const grantsZhCN = merged(zhCN, reviewZhCN, projectsZhCN)
export const grantsEn = merged(en, reviewEn, projectsEn)
