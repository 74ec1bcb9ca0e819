/**
 * The call document as `GET /calls/{code}` returns it (Rust: kc_core::grants::call::Call and
 * form::FormDefinition). Only the parts the web reads are typed strictly; the rest is kept
 * loose so a server-side addition does not break the build.
 */

export interface Choice {
  value: string
  label_zh: string
  label_en: string
}

interface FieldBase {
  /** Unique within the form; the key of the value in the stored data. */
  key: string
  label_zh: string
  label_en: string
  required?: boolean
}

export type FieldKind =
  | { type: 'text'; max_chars?: number | null }
  | { type: 'long_text'; max_chars?: number | null }
  | { type: 'number'; min?: number | null; max?: number | null }
  /** Stored as integer fen. */
  | { type: 'money'; min_fen?: number | null; max_fen?: number | null }
  /** `YYYY-MM-DD`. */
  | { type: 'date' }
  | { type: 'select'; options: Choice[] }
  | { type: 'multi_select'; options: Choice[] }
  | { type: 'table'; columns: Field[]; min_rows?: number | null; max_rows?: number | null }
  /** `{ name, id_number?, title?, organisation? }`. */
  | { type: 'person' }
  /** Attachment ids. */
  | { type: 'file'; max_files?: number | null }

export type Field = FieldBase & FieldKind
export type FieldType = Field['type']

export interface Section {
  key: string
  title_zh: string
  title_en: string
  fields: Field[]
}

export interface FormDefinition {
  sections: Section[]
}

export interface AttachmentSlot {
  code: string
  label_zh: string
  label_en: string
  required?: boolean
  /** Allowed types judged by content, e.g. `["pdf", "docx"]`; empty = any. */
  types?: string[]
  max_mb: number
}

export interface Subtype {
  code: string
  name_zh: string
  name_en: string
  funding_mode: 'advance' | 'reimbursement'
  max_funded: number
  max_funding_fen: number
  period_months: number
  attachments?: AttachmentSlot[]
  eligibility?: unknown[]
  bonuses?: unknown[]
}

export interface Category {
  code: string
  name_zh: string
  name_en: string
  contact?: { department: string; name: string; phone: string } | null
  form: FormDefinition
  subtypes: Subtype[]
}

export interface CallDocument {
  code: string
  year: number
  title: string
  notice: string
  guide: string
  submission: { opens_at: string; closes_at: string }
  recommender_deadline: string
  paper_copy_deadline?: string | null
  categories: Category[]
  quotas?: unknown[]
  eligibility?: unknown[]
  review?: ReviewRules | null
  reports?: { midterm: FormDefinition; completion: FormDefinition } | null
}

/** A level an expert may pick instead of typing a number (review.rs `Descriptor`). */
export interface Descriptor {
  points: number
  label_zh: string
  label_en: string
}

/** One line of a score sheet: 0..max points, worth `weight` of 100. */
export interface Criterion {
  code: string
  label_zh: string
  label_en: string
  weight: number
  max: number
  descriptors?: Descriptor[]
}

export interface ScoreSheet {
  criteria: Criterion[]
  /** Hundredths of a point: a total below this needs a comment. */
  comment_required_below?: number | null
  comment_always_required?: boolean
}

/** How a call reviews its applications (review.rs `ReviewRules`). */
export interface ReviewRules {
  score_sheet: ScoreSheet
  threshold_centipoints: number
  threshold_includes_bonus?: boolean
  site_visit_threshold_fen?: number | null
  experts_per_application: number
  max_load: number
  trim?: number
  avoid_same_recommender?: boolean
  field_key?: string | null
}

/** The person keys the server's schema accepts (form.rs `FieldKind::Person`). */
export const PERSON_KEYS = ['name', 'id_number', 'title', 'organisation'] as const
export type PersonKey = (typeof PERSON_KEYS)[number]
export const PERSON_MAX: Record<PersonKey, number> = {
  name: 50,
  id_number: 18,
  title: 50,
  organisation: 100,
}

/** The category and sub-type an application was started in (either may be missing). */
export function placeOf(
  call: CallDocument | null | undefined,
  category: string,
  subtype: string,
): { category: Category | null; subtype: Subtype | null } {
  const c = call?.categories.find((x) => x.code === category) ?? null
  return { category: c, subtype: c?.subtypes.find((s) => s.code === subtype) ?? null }
}

/** `label_zh` / `label_en` (or `title_*`, `name_*`) in the UI language, falling back to Chinese. */
export function localized(
  item: { label_zh?: string; label_en?: string } | { title_zh: string; title_en: string },
  locale: string,
): string {
  const record = item as Record<string, string | undefined>
  const zh = record.label_zh ?? record.title_zh ?? ''
  const en = record.label_en ?? record.title_en ?? ''
  return locale === 'en' ? en || zh : zh || en
}

export function localizedName(item: { name_zh: string; name_en: string }, locale: string): string {
  return locale === 'en' ? item.name_en || item.name_zh : item.name_zh || item.name_en
}
