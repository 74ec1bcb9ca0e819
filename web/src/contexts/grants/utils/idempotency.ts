function uuid(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID()
  }
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/**
 * One submit attempt's `Idempotency-Key`: created on the first try, reused on every retry
 * after a lost answer (network error, 5xx), forgotten once the server has answered for real.
 */
export class SubmitAttempt {
  private current: string | null = null

  constructor(private readonly generate: () => string = uuid) {}

  get key(): string | null {
    return this.current
  }

  begin(): string {
    this.current ??= this.generate()
    return this.current
  }

  /** The server answered (success or a 4xx problem): the next click is a new attempt. */
  finish(): void {
    this.current = null
  }

  /** Whether an error leaves the outcome unknown, so a retry must reuse the key. */
  static isUncertain(status: number): boolean {
    return status === 0 || status >= 500
  }
}
