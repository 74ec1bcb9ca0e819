import { reactive } from 'vue'

import { isApiError, toFormErrors, type FieldProblem } from '../api/errors'

/**
 * Server field errors for one form: bind `:error="errors.<prop>"` on each `<el-form-item>`.
 * `apply()` returns the field errors no form item claimed (show them in a message).
 */
export function useServerErrors() {
  const errors = reactive<Record<string, string>>({})

  function clear(): void {
    for (const key of Object.keys(errors)) delete errors[key]
  }

  function apply(
    error: unknown,
    mapField?: (field: string) => string | null,
  ): { matched: string[]; unmatched: FieldProblem[] } {
    clear()
    if (!isApiError(error)) return { matched: [], unmatched: [] }
    const result = toFormErrors(error.problem, { mapField })
    Object.assign(errors, result.errors)
    return { matched: Object.keys(result.errors), unmatched: result.unmatched }
  }

  /** Puts a message on one field (for problems without `errors[]`, like `username_taken`). */
  function set(prop: string, message: string): void {
    errors[prop] = message
  }

  return { errors, clear, apply, set }
}
