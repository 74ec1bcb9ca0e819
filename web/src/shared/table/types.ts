/** A column of PageTable: a label, and either `value` or a `cell-<key>` slot. */
export interface PageColumn<T> {
  key: string
  label: string
  width?: number | string
  minWidth?: number | string
  /** Plain text for the cell (ignored when a `cell-<key>` slot is given). */
  value?: (row: T) => string | number | null | undefined
  /** Left out of the phone card (e.g. repeated in its title). */
  hideOnPhone?: boolean
}

export interface PageResult<T> {
  items: T[]
  total: number
}

export type PageFetcher<T> = (
  query: Record<string, string | number>,
) => Promise<{ items: T[]; total: number }>
