/**
 * Form designer operations on a `FormDefinition`. They change the definition in place (it is
 * the reactive document being edited) and keep every field key unique within the form, as
 * the server requires.
 */
import {
  clone,
  CODE_PATTERN,
  moveItem,
  uniqueName,
  type FieldType,
  type FormDefinition,
  type FormField,
  type Section,
} from './callConfig'

/** Where a field is: its section and its place there. */
export interface FieldRef {
  section: number
  field: number
}

export function allKeys(form: FormDefinition): string[] {
  return form.sections.flatMap((s) => s.fields.map((f) => f.key))
}

/** The type-specific properties of a new field of `type`, with empty limits. */
export function kindDefaults(type: FieldType): FormField {
  const base = { key: '', label_zh: '', label_en: '', required: false }
  switch (type) {
    case 'text':
    case 'long_text':
      return { ...base, type, max_chars: null }
    case 'number':
      return { ...base, type, min: null, max: null }
    case 'money':
      return { ...base, type, min_fen: null, max_fen: null }
    case 'select':
    case 'multi_select':
      return { ...base, type, options: [] }
    case 'table':
      return { ...base, type, columns: [], min_rows: null, max_rows: null }
    case 'file':
      return { ...base, type, max_files: null }
    case 'date':
    case 'person':
      return { ...base, type }
  }
}

/** A new field of `type` whose key is not in `taken` (`text_1`, `text_2` …). */
export function newField(
  type: FieldType,
  taken: Iterable<string>,
  labels?: { zh: string; en: string },
): FormField {
  const set = new Set(taken)
  let n = 1
  while (set.has(`${type}_${n}`)) n++
  const field = kindDefaults(type)
  field.key = `${type}_${n}`
  field.label_zh = labels?.zh ?? ''
  field.label_en = labels?.en ?? ''
  return field
}

export function addSection(form: FormDefinition, titles?: { zh: string; en: string }): number {
  const key = uniqueName(
    `section_${form.sections.length + 1}`,
    form.sections.map((s) => s.key),
  )
  const section: Section = {
    key,
    title_zh: titles?.zh ?? '',
    title_en: titles?.en ?? '',
    fields: [],
  }
  form.sections.push(section)
  return form.sections.length - 1
}

export function removeSection(form: FormDefinition, index: number): void {
  form.sections.splice(index, 1)
}

export function moveSection(form: FormDefinition, index: number, delta: number): number {
  return moveItem(form.sections, index, delta)
}

/** Adds a field of `type` after `after` (or at the end of the section); returns where it is. */
export function addField(
  form: FormDefinition,
  section: number,
  type: FieldType,
  options: { after?: number; labels?: { zh: string; en: string } } = {},
): FieldRef {
  const target = form.sections[section]
  if (!target) throw new RangeError(`no section ${section}`)
  const field = newField(type, allKeys(form), options.labels)
  const at = options.after === undefined ? target.fields.length : options.after + 1
  target.fields.splice(at, 0, field)
  return { section, field: at }
}

export function removeField(form: FormDefinition, ref: FieldRef): void {
  form.sections[ref.section]?.fields.splice(ref.field, 1)
}

/** A copy right after the original, under a fresh key (`name_copy`, `name_copy_2` …). */
export function duplicateField(form: FormDefinition, ref: FieldRef): FieldRef {
  const section = form.sections[ref.section]
  const original = section?.fields[ref.field]
  if (!section || !original) return ref
  const copy = clone(original)
  copy.key = uniqueName(`${original.key}_copy`, allKeys(form))
  section.fields.splice(ref.field + 1, 0, copy)
  return { section: ref.section, field: ref.field + 1 }
}

/**
 * Moves a field up or down; past the top or bottom of its section it goes to the end of the
 * previous or the start of the next section. Returns where it is now.
 */
export function moveField(form: FormDefinition, ref: FieldRef, delta: -1 | 1): FieldRef {
  const section = form.sections[ref.section]
  if (!section || !section.fields[ref.field]) return ref
  const target = ref.field + delta
  if (target >= 0 && target < section.fields.length) {
    moveItem(section.fields, ref.field, delta)
    return { section: ref.section, field: target }
  }
  const next = form.sections[ref.section + delta]
  if (!next) return ref
  const [field] = section.fields.splice(ref.field, 1)
  if (delta < 0) {
    next.fields.push(field)
    return { section: ref.section - 1, field: next.fields.length - 1 }
  }
  next.fields.unshift(field)
  return { section: ref.section + 1, field: 0 }
}

/**
 * The same field as another type: key, labels and required stay; limits that mean the same
 * (max_chars between text types, options between select types) are kept.
 */
export function changeType(field: FormField, type: FieldType): FormField {
  if (field.type === type) return field
  const next = kindDefaults(type)
  next.key = field.key
  next.label_zh = field.label_zh
  next.label_en = field.label_en
  next.required = field.required
  if (
    (next.type === 'text' || next.type === 'long_text') &&
    (field.type === 'text' || field.type === 'long_text')
  ) {
    next.max_chars = field.max_chars
  }
  if (
    (next.type === 'select' || next.type === 'multi_select') &&
    (field.type === 'select' || field.type === 'multi_select')
  ) {
    next.options = clone(field.options)
  }
  return next
}

/** Replaces the field at `ref` by the same field as `type`. */
export function setFieldType(form: FormDefinition, ref: FieldRef, type: FieldType): void {
  const section = form.sections[ref.section]
  const field = section?.fields[ref.field]
  if (section && field) section.fields[ref.field] = changeType(field, type)
}

// ---------------------------------------------------------------------------------------------
// Local validation, shown inline in the designer.

export type DesignProblemCode =
  | 'keyDuplicate'
  | 'keyInvalid'
  | 'labelMissing'
  | 'optionsMissing'
  | 'optionInvalid'
  | 'optionDuplicate'
  | 'columnsMissing'
  | 'rangeInvalid'
  | 'sectionTitleMissing'
  | 'sectionKeyInvalid'

export interface DesignProblem {
  code: DesignProblemCode
  section: number
  /** Absent for problems of the section itself. */
  field?: number
  /** A table column's index when the problem is in a column. */
  column?: number
  key: string
}

function fieldProblems(
  field: FormField,
  duplicate: boolean,
  at: Omit<DesignProblem, 'code' | 'key'>,
  out: DesignProblem[],
): void {
  const add = (code: DesignProblemCode) => out.push({ code, key: field.key, ...at })
  if (!field.key || !CODE_PATTERN.test(field.key)) add('keyInvalid')
  if (duplicate) add('keyDuplicate')
  if (!field.label_zh.trim() || !field.label_en.trim()) add('labelMissing')
  switch (field.type) {
    case 'select':
    case 'multi_select': {
      if (field.options.length === 0) add('optionsMissing')
      const values = field.options.map((o) => o.value)
      if (field.options.some((o) => !o.value.trim() || !o.label_zh.trim() || !o.label_en.trim())) {
        add('optionInvalid')
      }
      if (new Set(values).size !== values.length) add('optionDuplicate')
      break
    }
    case 'number':
      if (field.min !== null && field.max !== null && field.min > field.max) add('rangeInvalid')
      break
    case 'money':
      if (field.min_fen !== null && field.max_fen !== null && field.min_fen > field.max_fen)
        add('rangeInvalid')
      break
    case 'table': {
      if (field.columns.length === 0) add('columnsMissing')
      if (field.min_rows !== null && field.max_rows !== null && field.min_rows > field.max_rows) {
        add('rangeInvalid')
      }
      const counts = countKeys(field.columns.map((c) => c.key))
      field.columns.forEach((column, index) =>
        fieldProblems(column, (counts.get(column.key) ?? 0) > 1, { ...at, column: index }, out),
      )
      break
    }
    default:
      break
  }
}

function countKeys(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1)
  return counts
}

/** Everything the designer flags: unique and well-formed keys, labels, options, ranges. */
export function designProblems(form: FormDefinition): DesignProblem[] {
  const out: DesignProblem[] = []
  const counts = countKeys(allKeys(form))
  const sectionCounts = countKeys(form.sections.map((s) => s.key))
  form.sections.forEach((section, s) => {
    if (!section.title_zh.trim() || !section.title_en.trim()) {
      out.push({ code: 'sectionTitleMissing', section: s, key: section.key })
    }
    if (!CODE_PATTERN.test(section.key) || (sectionCounts.get(section.key) ?? 0) > 1) {
      out.push({ code: 'sectionKeyInvalid', section: s, key: section.key })
    }
    section.fields.forEach((field, f) =>
      fieldProblems(field, (counts.get(field.key) ?? 0) > 1, { section: s, field: f }, out),
    )
  })
  return out
}
