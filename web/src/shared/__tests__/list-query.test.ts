import { describe, expect, it } from 'vitest'

import { readFilters, writeQuery } from '../table/useListQuery'
import { filenameFromDisposition } from '../table/download'
import { safeRedirect } from '../utils/redirect'
import {
  formatDateTime,
  shanghaiDayEnd,
  shanghaiDayStart,
  wanToFen,
  fenToWan,
} from '../utils/format'

describe('list query in the URL', () => {
  it('reads filters with defaults, first value of repeated keys', () => {
    expect(
      readFilters({ status: 'pending', q: ['a', 'b'] }, { status: '', role: '', q: '' }),
    ).toEqual({
      status: 'pending',
      role: '',
      q: 'a',
    })
  })

  it('writes only non-empty filters and non-default paging', () => {
    expect(writeQuery({ status: 'active', q: '' }, 1, 20)).toEqual({ status: 'active' })
    expect(writeQuery({ q: 'x' }, 3, 50)).toEqual({ q: 'x', page: '3', per_page: '50' })
  })
})

describe('downloads', () => {
  it('takes the file name from Content-Disposition', () => {
    expect(filenameFromDisposition('attachment; filename="accounts.xlsx"', 'x')).toBe(
      'accounts.xlsx',
    )
    expect(
      filenameFromDisposition(
        'attachment; filename="a.xlsx"; filename*=UTF-8\'\'%E8%B4%A6%E6%88%B7.xlsx',
        'x',
      ),
    ).toBe('账户.xlsx')
    expect(filenameFromDisposition(null, 'fallback.xlsx')).toBe('fallback.xlsx')
  })
})

describe('safeRedirect', () => {
  it('allows local paths only', () => {
    expect(safeRedirect('/admin/approvals?q=x')).toBe('/admin/approvals?q=x')
    expect(safeRedirect('//evil.example')).toBeNull()
    expect(safeRedirect('https://evil.example')).toBeNull()
    expect(safeRedirect('/login?redirect=/me')).toBeNull()
    expect(safeRedirect(undefined)).toBeNull()
  })
})

describe('formatting', () => {
  it('shows times in Asia/Shanghai', () => {
    expect(formatDateTime('2026-03-01T16:30:00Z', 'zh-CN')).toBe('2026-03-02 00:30')
    expect(formatDateTime('2026-03-01T16:30:00Z', 'en')).toBe('2026-03-02 00:30')
    expect(formatDateTime(null)).toBe('—')
  })

  it('bounds a Shanghai day in UTC', () => {
    expect(shanghaiDayStart('2026-03-02')).toBe('2026-03-01T16:00:00.000Z')
    expect(shanghaiDayEnd('2026-03-02')).toBe('2026-03-02T16:00:00.000Z')
  })

  it('converts 万元 to fen and back', () => {
    expect(wanToFen(1)).toBe(1_000_000)
    expect(wanToFen(12.34)).toBe(12_340_000)
    expect(wanToFen(0.01)).toBe(10_000)
    expect(wanToFen(null)).toBeNull()
    expect(fenToWan(12_340_000)).toBe(12.34)
  })
})
