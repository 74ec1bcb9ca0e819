import { queryString, rawFetch, type GetPath, type Query } from '../api/client'

/** The file name from a Content-Disposition header (RFC 6266, incl. `filename*=UTF-8''…`). */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header)
  if (star?.[2]) {
    try {
      return decodeURIComponent(star[2].trim().replace(/^"|"$/g, ''))
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header)
  const name = plain?.[2] ?? plain?.[1]
  return name ? name.trim() : fallback
}

/** Saves a Blob under `name` through a temporary link. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.rel = 'noopener'
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/**
 * Downloads a server-generated file (Excel exports, templates) with the session cookie.
 * Errors reject with the same ApiError as other calls.
 */
export async function downloadFile(
  path: GetPath,
  query: Query = {},
  fallbackName = 'export.xlsx',
): Promise<void> {
  const response = await rawFetch(`${path}${queryString(query)}`)
  const blob = await response.blob()
  saveBlob(blob, filenameFromDisposition(response.headers.get('Content-Disposition'), fallbackName))
}
