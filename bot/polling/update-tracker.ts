/**
 * Knows which fetched updates are still being handled. `confirmed` is the highest update id
 * such that it and every update fetched before it are fully handled (rows committed), so the
 * next getUpdates offset, confirmed + 1, never tells Telegram to forget unstored data.
 */
export class UpdateTracker {
  private readonly inFlight: number[] = []
  private readonly done = new Set<number>()
  private waiters: (() => void)[] = []
  confirmed: number
  highestFetched: number

  constructor(alreadyHandledUpTo = 0) {
    this.confirmed = alreadyHandledUpTo
    this.highestFetched = alreadyHandledUpTo
  }

  get nextOffset(): number {
    return this.confirmed > 0 ? this.confirmed + 1 : 0
  }

  get size(): number {
    return this.inFlight.length
  }

  /**
   * Telegram numbers updates anew after a week without any (the next id is chosen at random,
   * and may be lower): with nothing in flight, carries on from `firstId`, the new numbering's first.
   */
  renumber(firstId: number): void {
    if (this.inFlight.length > 0) throw new Error('cannot renumber with updates in flight')
    this.confirmed = firstId - 1
    this.highestFetched = firstId - 1
  }

  begin(updateId: number): void {
    this.inFlight.push(updateId)
    if (updateId > this.highestFetched) this.highestFetched = updateId
  }

  finish(updateId: number): void {
    this.done.add(updateId)
    let advanced = false
    while (this.inFlight.length > 0 && this.done.has(this.inFlight[0]!)) {
      const id = this.inFlight.shift()!
      this.done.delete(id)
      this.confirmed = id
      advanced = true
    }
    if (advanced) {
      const waiters = this.waiters
      this.waiters = []
      for (const w of waiters) w()
    }
  }

  /** Resolves when `confirmed` next moves (or the signal aborts). */
  waitForProgress(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve()
      const onAbort = () => resolve()
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiters.push(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      })
    })
  }
}
