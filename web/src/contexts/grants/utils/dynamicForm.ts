import { PERSON_KEYS, type Field, type FormDefinition } from './callDocument'

/** An application's data as edited: one value per form field key (plus any unknown keys). */
export type FormData = Record<string, unknown>
export type Person = Record<(typeof PERSON_KEYS)[number], string>
export type Row = Record<string, unknown>

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []

export function allFields(form: FormDefinition): Field[] {
  return form.sections.flatMap((s) => s.fields)
}

export function emptyPerson(): Person {
  return { name: '', id_number: '', title: '', organisation: '' }
}

export function emptyRow(columns: Field[]): Row {
  const row: Row = {}
  for (const column of columns) row[column.key] = emptyValue(column)
  return row
}

/** The value an untouched field is edited with. */
export function emptyValue(field: Field): unknown {
  switch (field.type) {
    case 'number':
    case 'money':
      return null
    case 'multi_select':
    case 'file':
      return []
    case 'table':
      return Array.from({ length: field.min_rows ?? 0 }, () => emptyRow(field.columns))
    case 'person':
      return emptyPerson()
    default:
      return ''
  }
}

/** Stored JSON → the shape the inputs bind to (wrong types become empty). */
export function normalizeValue(field: Field, raw: unknown): unknown {
  switch (field.type) {
    case 'number':
    case 'money':
      return num(raw)
    case 'multi_select':
    case 'file':
      return strings(raw)
    case 'person': {
      const source = isRecord(raw) ? raw : {}
      const person = emptyPerson()
      for (const key of PERSON_KEYS) person[key] = str(source[key])
      return person
    }
    case 'table': {
      const rows = Array.isArray(raw) ? raw : []
      const out = rows.map((r) => {
        const source = isRecord(r) ? r : {}
        const row: Row = {}
        for (const column of field.columns)
          row[column.key] = normalizeValue(column, source[column.key])
        return row
      })
      while (out.length < (field.min_rows ?? 0)) out.push(emptyRow(field.columns))
      return out
    }
    default:
      return str(raw)
  }
}

/** The stored data → the edited data: every form field present, keys the form lacks kept. */
export function normalizeData(form: FormDefinition, raw: unknown): FormData {
  const source = isRecord(raw) ? raw : {}
  const out: FormData = { ...source }
  for (const field of allFields(form)) out[field.key] = normalizeValue(field, source[field.key])
  return out
}

/**
 * The edited value → the stored one, or `undefined` to leave the key out: an empty optional
 * date or select would fail the server's schema, an empty required one is reported as
 * "required" either way.
 */
export function storedValue(field: Field, value: unknown): unknown {
  switch (field.type) {
    case 'number':
    case 'money': {
      const n = num(value)
      if (n === null) return undefined
      return field.type === 'money' ? Math.round(n) : n
    }
    case 'multi_select':
    case 'file':
      return strings(value)
    case 'person': {
      const source = isRecord(value) ? value : {}
      const out: Record<string, string> = {}
      for (const key of PERSON_KEYS) {
        const v = str(source[key]).trim()
        if (v) out[key] = v
      }
      return Object.keys(out).length ? out : undefined
    }
    case 'table': {
      const rows = Array.isArray(value) ? value : []
      return rows.map((r) => {
        const source = isRecord(r) ? r : {}
        const row: Row = {}
        for (const column of field.columns) {
          const v = storedValue(column, source[column.key])
          if (v !== undefined) row[column.key] = v
        }
        return row
      })
    }
    default: {
      const s = str(value)
      return s.trim() ? s : undefined
    }
  }
}

/** The edited data → what the draft endpoint stores (money in integer fen). */
export function toStoredData(form: FormDefinition, data: FormData): FormData {
  const out: FormData = { ...data }
  for (const field of allFields(form)) {
    const value = storedValue(field, data[field.key])
    if (value === undefined) delete out[field.key]
    else out[field.key] = value
  }
  return out
}

/**
 * A server error field → the path the dynamic form shows it under: `data.members.2.name` →
 * `members.2.name`, `title` → `title`; anything else (rules, quotas) is not a field (null).
 */
export function errorPath(field: string): string | null {
  if (field === 'title') return 'title'
  if (!field.startsWith('data.')) return null
  const path = field.slice('data.'.length)
  return path || null
}

/** Characters as the server counts them (Unicode code points, so 一 counts one). */
export function charCount(text: string): number {
  return [...text].length
}

export function canAddRow(field: Field, rows: number): boolean {
  return field.type === 'table' && (field.max_rows == null || rows < field.max_rows)
}

export function canRemoveRow(field: Field, rows: number): boolean {
  if (field.type !== 'table') return false
  const min = Math.max(field.min_rows ?? 0, field.required ? 1 : 0)
  return rows > min
}

/** `1.5 MB` / `820 KB` for file sizes. */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`
  if (bytes >= 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`
  return `${bytes} B`
}
