import type { Criterion, ScoreSheet } from './callDocument'

/** Scores an expert typed, in points per criterion code (e.g. 8.5). */
export type Scores = Record<string, number | null | undefined>

/** Points as hundredths, the unit the server stores and compares (8.5 → 850). */
export function toCentipoints(points: number): number {
  return Math.round(points * 100)
}

/** Hundredths of a point shown as points with two decimals (7250 → "72.50"). */
export function formatCentipoints(value: number | null | undefined): string {
  return value == null ? '—' : (value / 100).toFixed(2)
}

/** Whether `points` is a valid score of `criterion` (in range; one of its levels if it has any). */
export function validScore(criterion: Criterion, points: number | null | undefined): boolean {
  if (points == null || Number.isNaN(points)) return false
  const cp = toCentipoints(points)
  if (cp < 0 || cp > criterion.max * 100) return false
  const levels = criterion.descriptors ?? []
  return levels.length === 0 || levels.some((d) => d.points * 100 === cp)
}

/**
 * The weighted total in hundredths of a point, as the server computes it
 * (Σ score / max × weight, rounded once); `null` until every criterion has a valid score.
 */
export function weightedTotal(sheet: ScoreSheet, scores: Scores): number | null {
  let sum = 0
  for (const c of sheet.criteria) {
    const points = scores[c.code]
    if (!validScore(c, points)) return null
    sum += (toCentipoints(points as number) * c.weight) / c.max
  }
  return Math.round(sum)
}

/** Whether a review with this total must carry a comment. */
export function commentRequired(sheet: ScoreSheet, total: number | null): boolean {
  if (sheet.comment_always_required) return true
  const below = sheet.comment_required_below
  return below != null && total != null && total < below
}

/** The scores as the API takes them: points per criterion, only the valid ones. */
export function scoresBody(sheet: ScoreSheet, scores: Scores): Record<string, number> {
  const body: Record<string, number> = {}
  for (const c of sheet.criteria) {
    const points = scores[c.code]
    if (points != null && !Number.isNaN(points)) body[c.code] = points
  }
  return body
}
