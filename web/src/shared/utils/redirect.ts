/**
 * A `redirect` query value that is safe to follow after login: a path on this site only
 * (no `//host`, no scheme), never back to the login page itself.
 */
export function safeRedirect(value: unknown): string | null {
  const text = Array.isArray(value) ? value[0] : value
  if (typeof text !== 'string' || !text.startsWith('/') || text.startsWith('//')) return null
  if (text.includes('\\') || /^\/login(\/|\?|$)/.test(text)) return null
  return text
}
