import type { FormItemRule } from 'element-plus'
import { computed } from 'vue'
import { useI18n } from 'vue-i18n'

import { checkCreditCode, type CreditCodeResult } from '../utils/creditCode'
import { passwordProblems, PASSWORD_MIN_CLASSES, PASSWORD_MIN_LENGTH } from '../utils/password'

/** The message for a failed credit code check, in the current language. */
export function useCreditCodeMessage() {
  const { t } = useI18n()
  return (result: CreditCodeResult): string => {
    if (result.ok) return ''
    switch (result.problem) {
      case 'empty':
        return t('identity.creditCode.required')
      case 'length':
        return t('identity.creditCode.length', { length: result.length })
      case 'character':
        return t('identity.creditCode.character', {
          position: result.position,
          character: result.character,
        })
      case 'check_digit':
        return t('identity.creditCode.checkDigit')
    }
  }
}

/** el-form rule: GB 32100-2015 check digit (the server checks again). */
export function useCreditCodeRule(): FormItemRule {
  const message = useCreditCodeMessage()
  return {
    trigger: 'blur',
    validator: (_rule, value: unknown, callback) => {
      const text = typeof value === 'string' ? value : ''
      if (text.trim() === '') return callback()
      const result = checkCreditCode(text)
      if (result.ok) callback()
      else callback(new Error(message(result)))
    },
  }
}

/** Rules for a new password and its confirmation (≥10 characters, 3 of 4 classes). */
export function usePasswordRules(password: () => string, login: () => string = () => '') {
  const { t } = useI18n()
  const passwordRules = computed<FormItemRule[]>(() => [
    { required: true, message: t('identity.password.required'), trigger: 'blur' },
    {
      trigger: 'blur',
      validator: (_rule, value: unknown, callback) => {
        const problems = passwordProblems(typeof value === 'string' ? value : '', login())
        if (problems.length === 0) return callback()
        callback(
          new Error(
            problems
              .map((p) =>
                t(`identity.password.problem.${p}`, {
                  min: PASSWORD_MIN_LENGTH,
                  classes: PASSWORD_MIN_CLASSES,
                }),
              )
              .join('；'),
          ),
        )
      },
    },
  ])
  const confirmRules = computed<FormItemRule[]>(() => [
    { required: true, message: t('identity.password.confirmRequired'), trigger: 'blur' },
    {
      trigger: 'blur',
      validator: (_rule, value: unknown, callback) =>
        value === password() ? callback() : callback(new Error(t('identity.password.mismatch'))),
    },
  ])
  return { password: passwordRules, confirm: confirmRules }
}
