import { defineStore } from 'pinia'
import { ref, watch } from 'vue'

import type { PublicOrganisation, RegistrationBody } from '../api'
import type { AccountType, OrgType } from '../constants'
import { normaliseCreditCode } from '../utils/creditCode'
import { wanToFen } from '@/shared/utils/format'

export const REGISTRATION_STORAGE_KEY = 'kc_registration'

export const STEPS = ['type', 'organisation', 'recommender', 'account'] as const
export type StepName = (typeof STEPS)[number]

export interface NewOrganisationDraft {
  name: string
  credit_code: string
  org_type: OrgType | ''
  district: string
  /** In 万元 as typed; converted to fen on submit. */
  registered_capital_wan: number | null
  last_year_revenue_wan: number | null
}

export interface AccountDraft {
  username: string
  display_name: string
  phone: string
  email: string
}

/** Everything typed in the wizard except passwords (those are never stored). */
export interface RegistrationDraft {
  step: number
  accountType: AccountType | ''
  orgMode: 'existing' | 'new'
  organisation: PublicOrganisation | null
  newOrg: NewOrganisationDraft
  recommenderId: string
  /** The user picked a unit by hand: a new suggestion must not overwrite it. */
  recommenderChosen: boolean
  account: AccountDraft
}

export interface RegistrationDone {
  id: string
  username: string
}

export function emptyDraft(): RegistrationDraft {
  return {
    step: 0,
    accountType: '',
    orgMode: 'existing',
    organisation: null,
    newOrg: {
      name: '',
      credit_code: '',
      org_type: '',
      district: '',
      registered_capital_wan: null,
      last_year_revenue_wan: null,
    },
    recommenderId: '',
    recommenderChosen: false,
    account: { username: '', display_name: '', phone: '', email: '' },
  }
}

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null
  } catch {
    return null
  }
}

function restore(): { draft: RegistrationDraft; done: RegistrationDone | null } {
  const fallback = { draft: emptyDraft(), done: null }
  const raw = storage()?.getItem(REGISTRATION_STORAGE_KEY)
  if (!raw) return fallback
  try {
    const saved = JSON.parse(raw) as {
      draft?: Partial<RegistrationDraft>
      done?: RegistrationDone | null
    }
    const base = emptyDraft()
    const draft: RegistrationDraft = {
      ...base,
      ...saved.draft,
      newOrg: { ...base.newOrg, ...saved.draft?.newOrg },
      account: { ...base.account, ...saved.draft?.account },
    }
    draft.step = Math.min(Math.max(0, Number(draft.step) || 0), STEPS.length - 1)
    return { draft, done: saved.done ?? null }
  } catch {
    return fallback
  }
}

/** Which step a server field error belongs to (`new_organisation.credit_code` → 1). */
export function stepOfField(field: string): number {
  if (field === 'account_type') return 0
  if (field === 'organisation_id' || field.startsWith('new_organisation')) return 1
  if (field === 'recommender_id') return 2
  return 3
}

/** Problem codes without `errors[]` that still belong to one field. */
export const CODE_FIELDS: Record<string, string> = {
  username_taken: 'username',
  credit_code_taken: 'new_organisation.credit_code',
}

/** The request body of `POST /registrations`. */
export function toRegistrationBody(draft: RegistrationDraft, password: string): RegistrationBody {
  if (draft.accountType === '') throw new Error('account type missing')
  const body: RegistrationBody = {
    account_type: draft.accountType,
    username: draft.account.username.trim(),
    password,
    display_name: draft.account.display_name.trim(),
    email: draft.account.email.trim(),
    phone: draft.account.phone.trim(),
    recommender_id: draft.recommenderId,
  }
  if (draft.orgMode === 'existing') {
    if (draft.organisation) body.organisation_id = draft.organisation.id
  } else {
    if (draft.newOrg.org_type === '') throw new Error('organisation type missing')
    body.new_organisation = {
      name: draft.newOrg.name.trim(),
      credit_code: normaliseCreditCode(draft.newOrg.credit_code),
      org_type: draft.newOrg.org_type,
      district: draft.newOrg.district,
      registered_capital_fen: wanToFen(draft.newOrg.registered_capital_wan),
      last_year_revenue_fen: wanToFen(draft.newOrg.last_year_revenue_wan),
    }
  }
  return body
}

/**
 * The registration wizard's state, kept in sessionStorage so a reload or a failed request
 * never loses what was typed. Passwords stay in memory only.
 */
export const useRegistrationStore = defineStore('identity.registration', () => {
  const initial = restore()
  const draft = ref<RegistrationDraft>(initial.draft)
  const done = ref<RegistrationDone | null>(initial.done)
  const password = ref('')
  const passwordConfirm = ref('')

  function persist(): void {
    storage()?.setItem(
      REGISTRATION_STORAGE_KEY,
      JSON.stringify({ draft: draft.value, done: done.value }),
    )
  }

  watch([draft, done], persist, { deep: true })

  function finish(result: RegistrationDone): void {
    done.value = result
    draft.value = emptyDraft()
    password.value = ''
    passwordConfirm.value = ''
    persist()
  }

  function restart(): void {
    draft.value = emptyDraft()
    done.value = null
    password.value = ''
    passwordConfirm.value = ''
    storage()?.removeItem(REGISTRATION_STORAGE_KEY)
  }

  return { draft, done, password, passwordConfirm, persist, finish, restart }
})
