import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { useAutosave } from '../composables/useAutosave'
import { SubmitAttempt } from '../utils/idempotency'

function memoryStorage() {
  const map = new Map<string, string>()
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  }
}

describe('autosave', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('debounces saves and stores input locally until saved', async () => {
    const storage = memoryStorage()
    const save = vi.fn(() => Promise.resolve())
    const autosave = useAutosave<{ a: string }>({
      key: 'k',
      delay: 2000,
      storage,
      version: () => 3,
      save,
    })
    autosave.change({ a: '1' })
    await vi.advanceTimersByTimeAsync(1000)
    autosave.change({ a: '12' })
    expect(JSON.parse(storage.map.get('k') ?? '{}')).toMatchObject({
      version: 3,
      value: { a: '12' },
    })
    await vi.advanceTimersByTimeAsync(1999)
    expect(save).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(save).toHaveBeenCalledTimes(1)
    expect(save).toHaveBeenCalledWith({ a: '12' })
    expect(autosave.state.value).toBe('saved')
    expect(storage.map.has('k')).toBe(false)
  })

  it('keeps the input after a failed save and restores it after a reload', async () => {
    const storage = memoryStorage()
    const failing = useAutosave<{ a: string }>({
      key: 'k',
      storage,
      version: () => 7,
      save: () => Promise.reject(new Error('offline')),
    })
    failing.change({ a: 'typed' })
    await failing.flush()
    expect(failing.state.value).toBe('error')
    expect(failing.dirty()).toBe(true)

    const reloaded = useAutosave<{ a: string }>({
      key: 'k',
      storage,
      version: () => 0,
      save: () => Promise.resolve(),
    })
    expect(reloaded.restore()).toMatchObject({ version: 7, value: { a: 'typed' } })
  })

  it('saves at once on flush (blur)', async () => {
    const save = vi.fn(() => Promise.resolve())
    const autosave = useAutosave<number>({ key: 'n', storage: null, version: () => 1, save })
    autosave.change(1)
    await autosave.flush()
    expect(save).toHaveBeenCalledWith(1)
    await vi.advanceTimersByTimeAsync(5000)
    expect(save).toHaveBeenCalledTimes(1)
  })
})

describe('idempotency key', () => {
  it('reuses the key on retry and makes a new one for the next attempt', () => {
    let n = 0
    const attempt = new SubmitAttempt(() => `key-${++n}`)
    expect(attempt.begin()).toBe('key-1')
    // network error: outcome unknown, the retry sends the same key
    expect(SubmitAttempt.isUncertain(0)).toBe(true)
    expect(SubmitAttempt.isUncertain(503)).toBe(true)
    expect(attempt.begin()).toBe('key-1')
    // the server answered (e.g. 422): the next click is a new attempt
    expect(SubmitAttempt.isUncertain(422)).toBe(false)
    attempt.finish()
    expect(attempt.key).toBeNull()
    expect(attempt.begin()).toBe('key-2')
  })

  it('generates UUIDs by default', () => {
    expect(new SubmitAttempt().begin()).toMatch(/^[0-9a-f-]{36}$/)
  })
})
