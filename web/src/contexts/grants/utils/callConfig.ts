/**
 * The call document as the bureau edits it: the TypeScript mirror of the server's `Call`
 * (crates/core/src/grants/{call,form,window,quota,eligibility,bonus}.rs), plus the helpers
 * the configuration pages need (Asia/Shanghai wall-clock times, 万元 ↔ fen, templates,
 * local drafts, JSON import).
 */

/** Bureau admins and staff who configure calls. */
export const CALL_MANAGE = 'grants.call.manage'

export type FundingMode = 'advance' | 'reimbursement'
export const FUNDING_MODES: readonly FundingMode[] = ['advance', 'reimbursement']

export interface Contact {
  department: string
  name: string
  phone: string
}

export interface AttachmentSlot {
  code: string
  label_zh: string
  label_en: string
  required: boolean
  /** Allowed types by sniffed content, e.g. `["pdf", "docx"]`. */
  types: string[]
  max_mb: number
}

export interface EligibilityRule {
  code: string
  /** CEL over `applicant`, `organisation` and `application`; true means eligible. */
  expression: string
  message_zh: string
  message_en: string
}

export interface BonusRule {
  qualification: string
  /** Hundredths of a point (150 = 1.5 points). */
  centipoints: number
  label_zh: string
}

export interface Choice {
  value: string
  label_zh: string
  label_en: string
}

export interface FieldBase {
  key: string
  label_zh: string
  label_en: string
  required: boolean
}

export type FieldKind =
  | { type: 'text'; max_chars: number | null }
  | { type: 'long_text'; max_chars: number | null }
  | { type: 'number'; min: number | null; max: number | null }
  | { type: 'money'; min_fen: number | null; max_fen: number | null }
  | { type: 'date' }
  | { type: 'select'; options: Choice[] }
  | { type: 'multi_select'; options: Choice[] }
  | { type: 'table'; columns: FormField[]; min_rows: number | null; max_rows: number | null }
  | { type: 'person' }
  | { type: 'file'; max_files: number | null }

export type FieldType = FieldKind['type']
export type FormField = FieldBase & FieldKind

export const FIELD_TYPES: readonly FieldType[] = [
  'text',
  'long_text',
  'number',
  'money',
  'date',
  'select',
  'multi_select',
  'table',
  'person',
  'file',
]

/** Types a table column may have (no nested tables, people or files). */
export const COLUMN_TYPES: readonly FieldType[] = [
  'text',
  'long_text',
  'number',
  'money',
  'date',
  'select',
]

export interface Section {
  key: string
  title_zh: string
  title_en: string
  fields: FormField[]
}

export interface FormDefinition {
  sections: Section[]
}

export interface Subtype {
  code: string
  name_zh: string
  name_en: string
  funding_mode: FundingMode
  max_funded: number
  /** Per project, in fen (shown in 万元). */
  max_funding_fen: number
  period_months: number
  attachments: AttachmentSlot[]
  eligibility: EligibilityRule[]
  bonuses: BonusRule[]
}

export interface Category {
  code: string
  name_zh: string
  name_en: string
  contact: Contact | null
  form: FormDefinition
  subtypes: Subtype[]
}

export type QuotaScopeKind =
  'pi' | 'organisation' | 'recommender' | 'named_organisation' | 'district'
export const QUOTA_SCOPES: readonly QuotaScopeKind[] = [
  'pi',
  'organisation',
  'recommender',
  'named_organisation',
  'district',
]

export type QuotaScope =
  | { kind: 'pi' | 'organisation' | 'recommender' | 'district' }
  | { kind: 'named_organisation'; credit_code: string }

export interface Quota {
  code: string
  scope: QuotaScope
  /** `null` counts every category. */
  categories: string[] | null
  /** `null` counts every sub-type. */
  subtypes: string[] | null
  /** `null` means this call only. */
  calls: string[] | null
  /** `null` means any recommending unit. */
  recommender_kinds: string[] | null
  exempt: string[]
  limit: number
  message_zh: string
  message_en: string
}

export const RECOMMENDER_KINDS = ['district_office', 'self', 'bureau'] as const

export interface SubmissionWindow {
  /** UTC instants (`2021-01-19T16:00:00Z`). */
  opens_at: string
  closes_at: string
}

export interface CallDocument {
  code: string
  year: number
  title: string
  notice: string
  guide: string
  submission: SubmissionWindow
  recommender_deadline: string
  paper_copy_deadline: string | null
  categories: Category[]
  quotas: Quota[]
  eligibility: EligibilityRule[]
}

// ---------------------------------------------------------------------------------------------
// Asia/Shanghai wall-clock time (UTC+8 all year: China has no daylight saving).

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/**
 * A UTC instant → `YYYY-MM-DD HH:mm:ss` in Asia/Shanghai, independent of the browser's zone.
 * Returns null for empty or unparsable input.
 */
export function utcToShanghai(value: string | null | undefined): string | null {
  if (!value) return null
  const time = new Date(value).getTime()
  if (Number.isNaN(time)) return null
  const d = new Date(time + SHANGHAI_OFFSET_MS)
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  )
}

/**
 * `YYYY-MM-DD HH:mm[:ss]` read as Asia/Shanghai → the UTC instant as the server writes it
 * (`2021-04-15T10:00:00Z`, whole seconds). Null for empty or malformed input.
 */
export function shanghaiToUtc(value: string | null | undefined): string | null {
  if (!value) return null
  const m = WALL_CLOCK.exec(value.trim())
  if (!m) return null
  const [year, month, day, hour, minute, second] = m.slice(1).map((p) => Number(p ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) - SHANGHAI_OFFSET_MS
  const check = new Date(utc + SHANGHAI_OFFSET_MS)
  // Reject impossible dates (2021-02-30) instead of rolling them over.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23) return null
  return new Date(utc).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** Whether submissions are open at `now` (opens inclusive, closes exclusive, like the server). */
export function windowOpen(window: SubmissionWindow, now: Date = new Date()): boolean {
  const t = now.getTime()
  return new Date(window.opens_at).getTime() <= t && t < new Date(window.closes_at).getTime()
}

// ---------------------------------------------------------------------------------------------
// Money: amounts are integer fen; the bureau types 万元 (1 万元 = 10,000 元 = 1,000,000 fen).

export const FEN_PER_WAN = 1_000_000

/** 万元 → integer fen (float noise rounded away), null when empty. */
export function wanToFen(wan: number | null | undefined): number | null {
  if (wan === null || wan === undefined || Number.isNaN(wan)) return null
  return Math.round(wan * FEN_PER_WAN)
}

/** fen → 万元, null when empty. */
export function fenToWan(fen: number | null | undefined): number | null {
  if (fen === null || fen === undefined || Number.isNaN(fen)) return null
  return fen / FEN_PER_WAN
}

// ---------------------------------------------------------------------------------------------
// Templates

export const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

/** Letters, digits and `_`, like the server's field keys; used for every code. */
export const CODE_PATTERN = /^[A-Za-z0-9_]+$/

export function emptySubtype(code = 'general'): Subtype {
  return {
    code,
    name_zh: '一般项目',
    name_en: 'General',
    funding_mode: 'advance',
    max_funded: 1,
    max_funding_fen: 10 * FEN_PER_WAN,
    period_months: 24,
    attachments: [],
    eligibility: [],
    bonuses: [],
  }
}

export function emptyForm(): FormDefinition {
  return {
    sections: [
      {
        key: 'basic',
        title_zh: '基本信息',
        title_en: 'Basics',
        fields: [
          {
            key: 'project_name',
            label_zh: '项目名称',
            label_en: 'Project name',
            required: true,
            type: 'text',
            max_chars: 40,
          },
        ],
      },
    ],
  }
}

export function emptyCategory(code = 'category_1'): Category {
  return {
    code,
    name_zh: '新类别',
    name_en: 'New category',
    contact: null,
    form: emptyForm(),
    subtypes: [emptySubtype()],
  }
}

/**
 * A new call with everything the server requires: a window in `year` (1 Jan to 31 Mar 18:00
 * Shanghai), the recommenders' deadline two weeks later, and one category with one sub-type.
 */
export function emptyCall(code: string, year: number, title = ''): CallDocument {
  const at = (month: number, day: number, hour: number) =>
    shanghaiToUtc(`${year}-${pad(month)}-${pad(day)} ${pad(hour)}:00:00`) as string
  return {
    code,
    year,
    title,
    notice: '',
    guide: '',
    submission: { opens_at: at(1, 1, 0), closes_at: at(3, 31, 18) },
    recommender_deadline: at(4, 15, 18),
    paper_copy_deadline: null,
    categories: [emptyCategory()],
    quotas: [],
    eligibility: [],
  }
}

/** A copy of `source` under a new code (and optionally year and title). */
export function copyCall(
  source: CallDocument,
  code: string,
  changes: { year?: number; title?: string } = {},
): CallDocument {
  const copy = clone(source)
  copy.code = code
  if (changes.year !== undefined) copy.year = changes.year
  if (changes.title !== undefined && changes.title !== '') copy.title = changes.title
  return copy
}

/**
 * Fills in what the server defaults (`#[serde(default)]` lists, missing nullable values) so
 * that the editors can bind to every property.
 */
export function normalizeCall(raw: CallDocument): CallDocument {
  const doc = clone(raw)
  doc.quotas = (doc.quotas ?? []).map((q) => ({
    ...q,
    categories: q.categories ?? null,
    subtypes: q.subtypes ?? null,
    calls: q.calls ?? null,
    recommender_kinds: q.recommender_kinds ?? null,
    exempt: q.exempt ?? [],
  }))
  doc.eligibility = doc.eligibility ?? []
  doc.paper_copy_deadline = doc.paper_copy_deadline ?? null
  doc.notice = doc.notice ?? ''
  doc.guide = doc.guide ?? ''
  for (const c of doc.categories ?? []) {
    c.contact = c.contact ?? null
    c.form = c.form ?? { sections: [] }
    for (const s of c.form.sections) for (const f of s.fields) normalizeField(f)
    for (const s of c.subtypes ?? []) {
      s.attachments = (s.attachments ?? []).map((a) => ({
        ...a,
        required: !!a.required,
        types: a.types ?? [],
      }))
      s.eligibility = s.eligibility ?? []
      s.bonuses = s.bonuses ?? []
    }
  }
  return doc
}

function normalizeField(f: FormField): void {
  f.required = !!f.required
  const record = f as unknown as Record<string, unknown>
  const nullable: Partial<Record<FieldType, string[]>> = {
    text: ['max_chars'],
    long_text: ['max_chars'],
    number: ['min', 'max'],
    money: ['min_fen', 'max_fen'],
    table: ['min_rows', 'max_rows'],
    file: ['max_files'],
  }
  for (const prop of nullable[f.type] ?? []) record[prop] = record[prop] ?? null
  if (f.type === 'select' || f.type === 'multi_select') f.options = f.options ?? []
  if (f.type === 'table') {
    f.columns = f.columns ?? []
    for (const c of f.columns) normalizeField(c)
  }
}

export type ParseResult =
  { ok: true; document: CallDocument } | { ok: false; reason: 'json' | 'shape' }

/** Reads an imported file: JSON with the call's top-level shape (the server checks the rest). */
export function parseCallJson(text: string): ParseResult {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, reason: 'json' }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'shape' }
  const v = value as Record<string, unknown>
  const submission = v.submission as Record<string, unknown> | undefined
  if (
    typeof v.code !== 'string' ||
    typeof v.year !== 'number' ||
    typeof v.title !== 'string' ||
    !Array.isArray(v.categories) ||
    typeof submission !== 'object' ||
    submission === null ||
    typeof submission.opens_at !== 'string' ||
    typeof submission.closes_at !== 'string' ||
    typeof v.recommender_deadline !== 'string'
  ) {
    return { ok: false, reason: 'shape' }
  }
  return { ok: true, document: normalizeCall(value as CallDocument) }
}

/** Pretty JSON as exported (two spaces, like the server's demo files). */
export function callJson(doc: CallDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`
}

// ---------------------------------------------------------------------------------------------
// Local drafts: the edited document survives reloads and failed saves.

export interface DraftStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

export const draftKey = (code: string) => `kc_grants_call_draft_${code}`

function storage(): DraftStorage | null {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null
  }
}

export interface CallDraft {
  saved_at: string
  document: CallDocument
  /** Not yet on the server (a new or imported call). */
  is_new: boolean
}

export function readDraft(code: string, store: DraftStorage | null = storage()): CallDraft | null {
  const text = store?.getItem(draftKey(code))
  if (!text) return null
  try {
    const draft = JSON.parse(text) as CallDraft
    if (!draft || typeof draft !== 'object' || !draft.document) return null
    return { ...draft, document: normalizeCall(draft.document), is_new: !!draft.is_new }
  } catch {
    return null
  }
}

export function writeDraft(
  code: string,
  document: CallDocument,
  isNew: boolean,
  store: DraftStorage | null = storage(),
): void {
  try {
    const draft: CallDraft = { saved_at: new Date().toISOString(), document, is_new: isNew }
    store?.setItem(draftKey(code), JSON.stringify(draft))
  } catch {
    // storage full or unavailable: the in-memory edits remain
  }
}

export function clearDraft(code: string, store: DraftStorage | null = storage()): void {
  try {
    store?.removeItem(draftKey(code))
  } catch {
    // nothing to clear
  }
}

// ---------------------------------------------------------------------------------------------
// Lists

/** Moves `list[index]` by `delta` places; returns the new index (unchanged at the ends). */
export function moveItem<T>(list: T[], index: number, delta: number): number {
  const target = index + delta
  if (index < 0 || index >= list.length || target < 0 || target >= list.length) return index
  const [item] = list.splice(index, 1)
  list.splice(target, 0, item)
  return target
}

/** `base`, or `base_2`, `base_3` … whichever is not in `taken`. */
export function uniqueName(base: string, taken: Iterable<string>): string {
  const set = new Set(taken)
  if (!set.has(base)) return base
  for (let n = 2; ; n++) {
    const name = `${base}_${n}`
    if (!set.has(name)) return name
  }
}

// ---------------------------------------------------------------------------------------------
// Local checks of the call itself (the form designer has its own, see designer.ts).

export interface LocalProblem {
  /** i18n key under `grants.calls.problems`. */
  code: string
  params: Record<string, string | number>
}

export function callProblems(doc: CallDocument): LocalProblem[] {
  const out: LocalProblem[] = []
  const p = (code: string, params: Record<string, string | number> = {}) =>
    out.push({ code, params })
  if (!CODE_PATTERN.test(doc.code)) p('code')
  if (!doc.title.trim()) p('title')
  const opens = new Date(doc.submission.opens_at).getTime()
  const closes = new Date(doc.submission.closes_at).getTime()
  if (!(opens < closes)) p('window')
  if (new Date(doc.recommender_deadline).getTime() < closes) p('recommenderDeadline')
  if (doc.categories.length === 0) p('noCategories')
  const seen = new Set<string>()
  for (const c of doc.categories) {
    if (!CODE_PATTERN.test(c.code)) p('categoryCode', { category: c.code })
    if (seen.has(c.code)) p('categoryDuplicate', { category: c.code })
    seen.add(c.code)
    if (!c.name_zh.trim()) p('categoryName', { category: c.code })
    if (c.subtypes.length === 0) p('noSubtypes', { category: c.code })
    const subSeen = new Set<string>()
    for (const s of c.subtypes) {
      const where = `${c.code}/${s.code}`
      if (!CODE_PATTERN.test(s.code) || subSeen.has(s.code)) p('subtypeCode', { subtype: where })
      subSeen.add(s.code)
      if (!(s.max_funded > 0) || !(s.max_funding_fen > 0)) p('caps', { subtype: where })
    }
  }
  for (const q of doc.quotas) {
    for (const cat of q.categories ?? []) {
      if (!seen.has(cat)) p('quotaCategory', { quota: q.code, category: cat })
    }
  }
  return out
}
