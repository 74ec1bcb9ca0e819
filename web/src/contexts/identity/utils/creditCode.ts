/** 统一社会信用代码 (GB 32100-2015): 18 characters, the last one a check character. */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
export const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

export type CreditCodeResult =
  | { ok: true; code: string }
  | { ok: false; problem: 'empty' | 'length'; length: number }
  | { ok: false; problem: 'character'; position: number; character: string }
  | { ok: false; problem: 'check_digit'; expected: string; found: string }

/** Upper-case and trimmed, as the server stores it. */
export function normaliseCreditCode(input: string): string {
  return input.trim().toUpperCase()
}

/** The check character for a 17-character prefix, or null if the prefix is invalid. */
export function creditCodeCheckDigit(prefix17: string): string | null {
  const prefix = normaliseCreditCode(prefix17)
  if (prefix.length !== 17) return null
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_CHARSET.indexOf(prefix.charAt(i))
    if (value < 0) return null
    sum += value * (CREDIT_CODE_WEIGHTS[i] ?? 0)
  }
  return CREDIT_CODE_CHARSET.charAt((31 - (sum % 31)) % 31)
}

export function checkCreditCode(input: string): CreditCodeResult {
  const code = normaliseCreditCode(input)
  if (code.length === 0) return { ok: false, problem: 'empty', length: 0 }
  const length = [...code].length
  if (length !== 18) return { ok: false, problem: 'length', length }
  for (let i = 0; i < 18; i++) {
    const character = code.charAt(i)
    if (!CREDIT_CODE_CHARSET.includes(character)) {
      return { ok: false, problem: 'character', position: i + 1, character }
    }
  }
  const expected = creditCodeCheckDigit(code.slice(0, 17)) ?? ''
  const found = code.charAt(17)
  if (expected !== found) return { ok: false, problem: 'check_digit', expected, found }
  return { ok: true, code }
}

export function isValidCreditCode(input: string): boolean {
  return checkCreditCode(input).ok
}

/** A random valid code (demo data, tests): 9 + 1 (enterprise) + a district code + 9 + check. */
export function randomCreditCode(random: () => number = Math.random): string {
  const pick = () => CREDIT_CODE_CHARSET.charAt(Math.floor(random() * 31))
  let prefix = '91510300'
  while (prefix.length < 17) prefix += pick()
  return prefix + (creditCodeCheckDigit(prefix) ?? '0')
}
