import { ref } from 'vue'

export type AutosaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'error'

export interface LocalDraft<T> {
  /** The server version this input was typed on. */
  version: number
  value: T
  at: string
}

export interface AutosaveOptions<T> {
  /** localStorage key (one per application). */
  key: string
  delay?: number
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null
  /** The server version the edits are based on (read at each save). */
  version: () => number
  /** Saves to the server; throws to keep the input for a retry. */
  save: (value: T) => Promise<void>
}

function defaultStorage(): AutosaveOptions<unknown>['storage'] {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null
  }
}

/**
 * Debounced autosave: `change(value)` keeps the input in localStorage at once and saves
 * `delay` ms after the last change (or now, on `flush()`, e.g. on blur). A failed save keeps
 * both the in-memory and the stored copy; only a successful save clears the stored one.
 */
export function useAutosave<T>(options: AutosaveOptions<T>) {
  const delay = options.delay ?? 2000
  const storage = options.storage === undefined ? defaultStorage() : options.storage
  const state = ref<AutosaveState>('idle')
  const savedAt = ref<Date | null>(null)
  const error = ref<unknown>(null)
  let timer: ReturnType<typeof setTimeout> | null = null
  let latest: { value: T } | null = null
  let running: Promise<void> | null = null
  // Read through functions: the value may change while a save is awaited.
  const peek = (): { value: T } | null => latest
  const current = (): AutosaveState => state.value

  function store(value: T): void {
    const draft: LocalDraft<T> = { version: options.version(), value, at: new Date().toISOString() }
    try {
      storage?.setItem(options.key, JSON.stringify(draft))
    } catch {
      // storage full or unavailable: the in-memory copy still holds the input
    }
  }

  function restore(): LocalDraft<T> | null {
    try {
      const text = storage?.getItem(options.key)
      if (!text) return null
      const parsed = JSON.parse(text) as LocalDraft<T>
      return typeof parsed.version === 'number' && 'value' in parsed ? parsed : null
    } catch {
      return null
    }
  }

  function clearLocal(): void {
    try {
      storage?.removeItem(options.key)
    } catch {
      // ignore
    }
  }

  function cancel(): void {
    if (timer) clearTimeout(timer)
    timer = null
  }

  function change(value: T): void {
    latest = { value }
    store(value)
    state.value = 'pending'
    cancel()
    timer = setTimeout(() => {
      timer = null
      void flush()
    }, delay)
  }

  async function flush(): Promise<void> {
    cancel()
    if (running) {
      await running
      if (latest) return flush()
      return
    }
    if (!latest) return
    const pending = latest
    latest = null
    state.value = 'saving'
    running = (async () => {
      try {
        await options.save(pending.value)
        const queued = peek()
        if (queued) {
          store(queued.value)
        } else {
          clearLocal()
          state.value = 'saved'
          savedAt.value = new Date()
          error.value = null
        }
      } catch (err) {
        const queued = peek() ?? pending
        latest = queued
        store(queued.value)
        error.value = err
        state.value = 'error'
        throw err
      } finally {
        running = null
      }
    })()
    try {
      await running
    } catch {
      return
    }
    if (peek() && current() !== 'error') return flush()
  }

  /** Whether typed input has not reached the server yet. */
  const dirty = () => latest !== null || state.value === 'saving'

  /** Forget the pending input (after "reload the server version"). */
  function discard(): void {
    cancel()
    latest = null
    clearLocal()
    state.value = 'idle'
    error.value = null
  }

  return { state, savedAt, error, change, flush, restore, clearLocal, discard, dirty, cancel }
}
