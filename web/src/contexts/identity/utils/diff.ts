export interface FieldChange {
  key: string
  before: string
  after: string
}

type JsonObject = Record<string, unknown> | null | undefined

const MAX_VALUE = 40

/** A short text for one JSON value (`—` when absent). */
export function shortValue(value: unknown): string {
  if (value === undefined || value === null) return '—'
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text
}

/**
 * The fields that differ between an audit event's `before` and `after`, in key order of
 * `after` then `before`. A created entity (no `before`) lists every field of `after`.
 */
export function changedFields(before: JsonObject, after: JsonObject): FieldChange[] {
  const b = before ?? {}
  const a = after ?? {}
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
  const changes: FieldChange[] = []
  for (const key of keys) {
    // An absent field and a null one read the same (`—`).
    const x = b[key] ?? null
    const y = a[key] ?? null
    if (JSON.stringify(x) === JSON.stringify(y)) continue
    changes.push({ key, before: shortValue(x), after: shortValue(y) })
  }
  return changes
}

/** The first `max` changes, and how many more there are. */
export function summariseChanges(
  before: JsonObject,
  after: JsonObject,
  max = 3,
): { shown: FieldChange[]; more: number } {
  const all = changedFields(before, after)
  return { shown: all.slice(0, max), more: Math.max(0, all.length - max) }
}
