import { describe, expect, it } from 'vitest'

import { changedFields, summariseChanges } from '../utils/diff'
import { linkify } from '../utils/linkify'
import { passwordClasses, passwordProblems } from '../utils/password'

describe('audit diff', () => {
  it('lists changed fields only', () => {
    expect(
      changedFields({ status: 'pending', name: 'a' }, { status: 'active', name: 'a' }),
    ).toEqual([{ key: 'status', before: 'pending', after: 'active' }])
  })

  it('treats a creation as all fields new and caps the summary', () => {
    const s = summariseChanges(null, { a: 1, b: true, c: { x: 1 }, d: null, e: 'x' }, 3)
    expect(s.shown.map((c) => c.key)).toEqual(['a', 'b', 'c'])
    expect(s.shown[2]).toEqual({ key: 'c', before: '—', after: '{"x":1}' })
    expect(s.more).toBe(1)
  })
})

describe('linkify', () => {
  it('finds links in mail bodies without HTML', () => {
    const parts = linkify('请点击 http://127.0.0.1:8080/reset?token=abc123 重置。')
    expect(parts).toEqual([
      { text: '请点击 ' },
      {
        text: 'http://127.0.0.1:8080/reset?token=abc123',
        href: 'http://127.0.0.1:8080/reset?token=abc123',
      },
      { text: ' 重置。' },
    ])
    expect(linkify('<b>no</b>')).toEqual([{ text: '<b>no</b>' }])
  })
})

describe('password policy', () => {
  it('mirrors the server: ≥10 characters, 3 of 4 classes, no login inside', () => {
    expect(passwordProblems('Kechuang#2026', 'zhangsan')).toEqual([])
    expect(passwordProblems('Ab1#56789')).toEqual(['too_short'])
    expect(passwordProblems('abcdefghijk1')).toEqual(['too_few_classes'])
    expect(passwordProblems('zhangsan#2026A', 'ZhangSan')).toEqual(['contains_login'])
    expect(passwordClasses('科创平台申报Ab12')).toBe(3)
  })
})
