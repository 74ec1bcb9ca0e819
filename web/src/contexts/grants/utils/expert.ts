import type { Expert, ExpertInput } from '../reviewApi'

/** An empty expert record for the bureau's "new expert" dialog. */
export function blankExpert(): ExpertInput {
  return {
    name: '',
    username: null,
    org_id: null,
    title: '',
    fields: [],
    collaborators: [],
    declared_org_ids: [],
    email: null,
    phone: null,
    available: true,
    availability_note: null,
  }
}

/** The editable part of an expert as the API takes it back. */
export function expertInput(e: Expert): ExpertInput {
  return {
    name: e.name,
    username: e.username ?? null,
    org_id: e.org_id ?? null,
    title: e.title,
    fields: [...e.fields],
    collaborators: [...e.collaborators],
    declared_org_ids: [...e.declared_org_ids],
    email: e.email ?? null,
    phone: e.phone ?? null,
    available: e.available,
    availability_note: e.availability_note ?? null,
  }
}

/** Empty strings of optional fields sent as null. */
export function cleanExpert<T extends Partial<ExpertInput>>(input: T): T {
  const out = { ...input }
  for (const key of ['username', 'email', 'phone', 'availability_note'] as const) {
    if (key in out && typeof out[key] === 'string' && !out[key].trim()) {
      ;(out as Record<string, unknown>)[key] = null
    }
  }
  return out
}
