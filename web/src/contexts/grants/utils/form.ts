import { fenToWan, wanToFen } from '@/shared/utils/format'

/** The Zigong form as edited (money in 万元); `toData` turns it into the stored JSON (fen). */
export interface GrantForm {
  project_name: string
  field: string
  summary: string
  targets: string
  start_date: string
  end_date: string
  requested_wan: number | null
  self_funding_wan: number | null
  pi: { name: string; id_number: string; title_rank: string; degree: string }
}

export const LIMITS = { project_name: 40, summary: 1500, targets: 2000 } as const

export function emptyForm(): GrantForm {
  return {
    project_name: '',
    field: '',
    summary: '',
    targets: '',
    start_date: '',
    end_date: '',
    requested_wan: null,
    self_funding_wan: null,
    pi: { name: '', id_number: '', title_rank: '', degree: '' },
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const rec = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {}

/** Stored JSON (fen) → form (万元). Unknown keys are ignored. */
export function fromData(value: unknown): GrantForm {
  const d = rec(value)
  const pi = rec(d.pi)
  return {
    project_name: str(d.project_name),
    field: str(d.field),
    summary: str(d.summary),
    targets: str(d.targets),
    start_date: str(d.start_date),
    end_date: str(d.end_date),
    requested_wan: fenToWan(int(d.requested_fen)),
    self_funding_wan: fenToWan(int(d.self_funding_fen)),
    pi: {
      name: str(pi.name),
      id_number: str(pi.id_number),
      title_rank: str(pi.title_rank),
      degree: str(pi.degree),
    },
  }
}

/** Form → stored JSON: money as integer fen, the proposal slot empty until uploads exist. */
export function toData(form: GrantForm): Record<string, unknown> {
  return {
    project_name: form.project_name,
    field: form.field,
    summary: form.summary,
    targets: form.targets,
    start_date: form.start_date,
    end_date: form.end_date,
    requested_fen: wanToFen(form.requested_wan),
    self_funding_fen: wanToFen(form.self_funding_wan),
    pi: { ...form.pi },
    proposal: [],
  }
}

/** Server error field `data.requested_fen` → form prop `requested_wan` (null: not a field). */
export function formProp(field: string): string | null {
  if (!field.startsWith('data.')) return field === 'title' ? 'title' : null
  const path = field.slice('data.'.length)
  if (path === 'requested_fen') return 'requested_wan'
  if (path === 'self_funding_fen') return 'self_funding_wan'
  if (path.startsWith('proposal')) return 'proposal'
  return path
}
