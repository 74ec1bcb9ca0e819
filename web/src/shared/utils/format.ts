import { currentLocale, t, type Locale } from '../i18n'

/** All times are shown in the bureau's time zone, whatever the browser's. */
export const TIME_ZONE = 'Asia/Shanghai'

const cache = new Map<string, Intl.DateTimeFormat>()

function formatter(locale: Locale, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${withTime}`
  let value = cache.get(key)
  if (!value) {
    value = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'zh-CN', {
      timeZone: TIME_ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
    })
    cache.set(key, value)
  }
  return value
}

function parts(date: Date, locale: Locale, withTime: boolean): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of formatter(locale, withTime).formatToParts(date)) out[part.type] = part.value
  return out
}

/** `2026-03-01 14:05` in Asia/Shanghai (same shape in both languages, easy to scan in tables). */
export function formatDateTime(value: string | null | undefined, locale = currentLocale()): string {
  if (!value) return '—'
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return value
  const p = parts(date, locale, true)
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

/** `2026-03-01` in Asia/Shanghai. */
export function formatDate(value: string | null | undefined, locale = currentLocale()): string {
  if (!value) return '—'
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return value
  const p = parts(date, locale, false)
  return `${p.year}-${p.month}-${p.day}`
}

/** The UTC instant at which `day` (YYYY-MM-DD) starts in Asia/Shanghai (UTC+8, no DST). */
export function shanghaiDayStart(day: string): string {
  return new Date(`${day}T00:00:00+08:00`).toISOString()
}

/** The UTC instant at which `day` ends in Asia/Shanghai (exclusive: next day 00:00). */
export function shanghaiDayEnd(day: string): string {
  const start = new Date(`${day}T00:00:00+08:00`)
  return new Date(start.getTime() + 24 * 3600 * 1000).toISOString()
}

const FEN_PER_WAN = 1_000_000

/** 万元 (as typed) → fen (integer), or null when empty. */
export function wanToFen(wan: number | null | undefined): number | null {
  if (wan === null || wan === undefined || Number.isNaN(wan)) return null
  return Math.round(wan * FEN_PER_WAN)
}

/** fen → 万元 for editing, or null. */
export function fenToWan(fen: number | null | undefined): number | null {
  if (fen === null || fen === undefined) return null
  return fen / FEN_PER_WAN
}

/** fen → `1,234.5 万元` (en: `1,234.5 × 10k CNY`) for display. */
export function formatWan(fen: number | null | undefined, locale = currentLocale()): string {
  const wan = fenToWan(fen)
  if (wan === null) return '—'
  const number = new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'zh-CN', {
    maximumFractionDigits: 4,
  }).format(wan)
  return t('common.money.wan', { amount: number }, { locale })
}
