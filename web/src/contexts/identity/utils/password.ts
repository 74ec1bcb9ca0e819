/** The password policy the server enforces (ACC-3), checked early to save a round trip. */
export const PASSWORD_MIN_LENGTH = 10
export const PASSWORD_MIN_CLASSES = 3

export type PasswordProblem = 'too_short' | 'too_few_classes' | 'contains_login'

export function passwordClasses(password: string): number {
  return [
    /\p{Lowercase}/u.test(password),
    /\p{Uppercase}/u.test(password),
    /[0-9]/.test(password),
    // like the server's `!c.is_alphanumeric()`: anything neither a letter nor a number
    /[^\p{Alphabetic}\p{N}]/u.test(password),
  ].filter(Boolean).length
}

export function passwordProblems(password: string, login = ''): PasswordProblem[] {
  const problems: PasswordProblem[] = []
  if ([...password].length < PASSWORD_MIN_LENGTH) problems.push('too_short')
  if (passwordClasses(password) < PASSWORD_MIN_CLASSES) problems.push('too_few_classes')
  const name = login.trim().toLowerCase()
  if (name.length >= 3 && password.toLowerCase().includes(name)) problems.push('contains_login')
  return problems
}
