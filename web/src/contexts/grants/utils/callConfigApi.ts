/**
 * The call configuration endpoints. They take and return the whole call document (typed in
 * callConfig.ts; the OpenAPI schema only says "object"), so they go through `rawFetch`, which
 * adds the CSRF header and turns problem+json answers into `ApiError`s.
 */
import { rawFetch } from '@/shared/api/client'
import { saveBlob } from '@/shared/table/download'

import { grantsApi } from '../api'
import { callJson, normalizeCall, type CallDocument } from './callConfig'

const segment = (code: string) => encodeURIComponent(code)

export const callConfigApi = {
  list: () => grantsApi.calls(),

  async get(code: string): Promise<CallDocument> {
    const response = await rawFetch(`/calls/${segment(code)}`)
    return normalizeCall((await response.json()) as CallDocument)
  },

  /** Creates or replaces the call; a 422 lists every problem and saves nothing. */
  async save(doc: CallDocument): Promise<CallDocument> {
    const response = await rawFetch(`/admin/calls/${segment(doc.code)}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(doc),
    })
    return normalizeCall((await response.json()) as CallDocument)
  },
}

/** Downloads `doc` as `<code>.json`. */
export function downloadCall(doc: CallDocument): void {
  saveBlob(new Blob([callJson(doc)], { type: 'application/json' }), `${doc.code}.json`)
}
