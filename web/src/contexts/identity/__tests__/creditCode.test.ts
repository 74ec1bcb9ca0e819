import { describe, expect, it } from 'vitest'

import {
  checkCreditCode,
  creditCodeCheckDigit,
  CREDIT_CODE_CHARSET,
  isValidCreditCode,
  randomCreditCode,
} from '../utils/creditCode'

// Codes published on the national enterprise credit information system (as in the server's tests).
const REAL = [
  '914403001922038216',
  '9144030071526726XG',
  '91330100799655058B',
  '91350100M000100Y43',
]

describe('credit code (GB 32100-2015)', () => {
  it('accepts real codes', () => {
    for (const code of REAL) expect(checkCreditCode(code)).toEqual({ ok: true, code })
  })

  it('normalises case and spaces', () => {
    expect(checkCreditCode(' 9144030071526726xg ')).toEqual({
      ok: true,
      code: '9144030071526726XG',
    })
  })

  it('catches every single-character corruption', () => {
    for (const code of REAL) {
      for (let pos = 0; pos < 18; pos++) {
        for (const replacement of CREDIT_CODE_CHARSET) {
          if (code[pos] === replacement) continue
          const corrupted = code.slice(0, pos) + replacement + code.slice(pos + 1)
          expect(isValidCreditCode(corrupted), corrupted).toBe(false)
        }
      }
    }
  })

  it('names the problem', () => {
    expect(checkCreditCode('')).toMatchObject({ ok: false, problem: 'empty' })
    expect(checkCreditCode('91440300')).toMatchObject({ ok: false, problem: 'length', length: 8 })
    expect(checkCreditCode('91440300192203821O')).toMatchObject({
      ok: false,
      problem: 'character',
      position: 18,
      character: 'O',
    })
    expect(checkCreditCode('914403001922038217')).toMatchObject({
      ok: false,
      problem: 'check_digit',
      expected: '6',
      found: '7',
    })
  })

  it('computes the check character (weights 3^(i-1) mod 31)', () => {
    for (const code of REAL) expect(creditCodeCheckDigit(code.slice(0, 17))).toBe(code[17])
    expect(creditCodeCheckDigit('123')).toBeNull()
    expect(creditCodeCheckDigit('9144030019220382I')).toBeNull()
  })

  it('generates valid random codes', () => {
    for (let i = 0; i < 200; i++) expect(isValidCreditCode(randomCreditCode())).toBe(true)
  })
})
