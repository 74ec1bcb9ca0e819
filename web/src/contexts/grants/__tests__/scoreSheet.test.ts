import { describe, expect, it } from 'vitest'

import type { ScoreSheet } from '../utils/callDocument'
import {
  commentRequired,
  formatCentipoints,
  scoresBody,
  validScore,
  weightedTotal,
} from '../utils/scoreSheet'

const SHEET: ScoreSheet = {
  criteria: [
    { code: 'innovation', label_zh: '创新性', label_en: 'Innovation', weight: 40, max: 10 },
    { code: 'feasibility', label_zh: '可行性', label_en: 'Feasibility', weight: 30, max: 10 },
    {
      code: 'benefit',
      label_zh: '预期效益',
      label_en: 'Benefit',
      weight: 30,
      max: 5,
      descriptors: [
        { points: 5, label_zh: '显著', label_en: 'Strong' },
        { points: 3, label_zh: '一般', label_en: 'Fair' },
        { points: 0, label_zh: '无', label_en: 'None' },
      ],
    },
  ],
  comment_required_below: 6000,
}

describe('score sheet arithmetic (same as kc_core::grants::review)', () => {
  it('weights each criterion by its share of 100', () => {
    // 8/10 × 40 + 7.5/10 × 30 + 3/5 × 30 = 72.5
    expect(weightedTotal(SHEET, { innovation: 8, feasibility: 7.5, benefit: 3 })).toBe(7250)
    expect(weightedTotal(SHEET, { innovation: 10, feasibility: 10, benefit: 5 })).toBe(10000)
    expect(formatCentipoints(7250)).toBe('72.50')
  })

  it('has no total until every score is valid', () => {
    expect(weightedTotal(SHEET, { innovation: 8, feasibility: 7.5 })).toBeNull()
    expect(weightedTotal(SHEET, { innovation: 11, feasibility: 7.5, benefit: 3 })).toBeNull()
    expect(validScore(SHEET.criteria[2], 4)).toBe(false)
    expect(validScore(SHEET.criteria[2], 5)).toBe(true)
  })

  it('asks for a comment below the configured total', () => {
    expect(commentRequired(SHEET, 5999)).toBe(true)
    expect(commentRequired(SHEET, 6000)).toBe(false)
    expect(commentRequired(SHEET, null)).toBe(false)
    expect(commentRequired({ ...SHEET, comment_always_required: true }, 9000)).toBe(true)
  })

  it('sends points per criterion, leaving out blanks', () => {
    expect(scoresBody(SHEET, { innovation: 8, feasibility: null, benefit: 3 })).toEqual({
      innovation: 8,
      benefit: 3,
    })
  })
})
