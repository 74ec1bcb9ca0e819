import type { Notice, Objection } from '../projectsApi'

/** Why a notice cannot be awarded (立项) yet, as an i18n key and its parameters; null when it can. */
export function awardBlocker(
  notice: Pick<Notice, 'status' | 'objections_until'>,
  objections: Pick<Objection, 'status'>[],
  now: Date = new Date(),
): { key: string; params: Record<string, string | number> } | null {
  if (notice.status !== 'open') return { key: 'grants.funding.award.closed', params: {} }
  if (now.getTime() <= new Date(notice.objections_until).getTime()) {
    return { key: 'grants.funding.award.periodOpen', params: {} }
  }
  const open = objections.filter((o) => o.status === 'open').length
  if (open > 0) return { key: 'grants.funding.award.objectionsOpen', params: { count: open } }
  return null
}
