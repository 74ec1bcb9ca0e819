import { useI18n } from 'vue-i18n'

export type LabelGroup =
  | 'role'
  | 'status'
  | 'orgType'
  | 'recommenderKind'
  | 'creditStatus'
  | 'routingMode'
  | 'outboxStatus'
  | 'department'

/** Labels of the API's enum values (`identity.<group>.<value>`), the raw value if unknown. */
export function useLabels() {
  const i18n = useI18n()
  function label(group: LabelGroup, value: string | null | undefined): string {
    if (value === null || value === undefined || value === '') return '—'
    const key = `identity.${group}.${value}`
    return i18n.te(key) || i18n.te(key, 'zh-CN') ? i18n.t(key) : value
  }
  return { label }
}

export type TagType = 'success' | 'warning' | 'danger' | 'info' | 'primary'

export function statusTagType(status: string): TagType {
  switch (status) {
    case 'active':
      return 'success'
    case 'pending':
      return 'warning'
    case 'rejected':
      return 'danger'
    default:
      return 'info'
  }
}
