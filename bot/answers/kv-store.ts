/** The few key-value operations the answer cache and the cooldowns need, in Redis or in process. */
export interface KvStore {
  get(key: string): Promise<Buffer | undefined>
  set(key: string, value: Buffer, ttlMs: number): Promise<void>
  /** Creates `key` for `ttlMs` unless it exists; true when this call created it. */
  claim(key: string, ttlMs: number): Promise<boolean>
  /**
   * Creates every key for its `ttlMs` if none of them exists, at once (no other claim comes in
   * between); else creates none and names the first that exists, with its milliseconds left.
   */
  claimAll(entries: readonly { key: string; ttlMs: number }[]): Promise<ClaimAll>
  /** Milliseconds until `key` expires; 0 when it does not exist. */
  remainingMs(key: string): Promise<number>
  delete(key: string): Promise<void>
}

export type ClaimAll = { claimed: true } | { claimed: false; key: string; remainingMs: number }

interface Entry {
  value: Buffer
  expiresAt: number
}

const EMPTY = Buffer.alloc(0)
const SWEEP_EVERY = 1000

/**
 * In-process store: least recently used entries go first once `maxBytes` is reached, and expired
 * ones are dropped when met. Map iteration order is insertion order, so re-inserting on read
 * keeps the oldest-used entry first.
 */
export class MemoryStore implements KvStore {
  private readonly entries = new Map<string, Entry>()
  private bytes = 0
  private writes = 0

  constructor(
    private readonly maxBytes = 64 * 1024 * 1024,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string): Promise<Buffer | undefined> {
    const entry = this.live(key)
    if (!entry) return undefined
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry.value
  }

  async set(key: string, value: Buffer, ttlMs: number): Promise<void> {
    this.put(key, value, ttlMs)
  }

  private put(key: string, value: Buffer, ttlMs: number): void {
    this.remove(key)
    // Cooldown keys are empty and never pushed out by size: sweep expired ones now and then.
    if (++this.writes % SWEEP_EVERY === 0) this.sweep()
    if (ttlMs <= 0 || value.length > this.maxBytes) return
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs })
    this.bytes += value.length
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break
      this.remove(oldest)
    }
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    return (await this.claimAll([{ key, ttlMs }])).claimed
  }

  async claimAll(entries: readonly { key: string; ttlMs: number }[]): Promise<ClaimAll> {
    // No await until every key is set: nothing else runs in between.
    for (const { key } of entries) {
      const entry = this.live(key)
      if (entry) return { claimed: false, key, remainingMs: entry.expiresAt - this.now() }
    }
    for (const { key, ttlMs } of entries) this.put(key, EMPTY, ttlMs)
    return { claimed: true }
  }

  async remainingMs(key: string): Promise<number> {
    const entry = this.live(key)
    return entry ? entry.expiresAt - this.now() : 0
  }

  async delete(key: string): Promise<void> {
    this.remove(key)
  }

  get size(): number {
    return this.entries.size
  }

  private sweep(): void {
    const now = this.now()
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.remove(key)
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key)
    if (entry && entry.expiresAt <= this.now()) {
      this.remove(key)
      return undefined
    }
    return entry
  }

  private remove(key: string): void {
    const entry = this.entries.get(key)
    if (!entry) return
    this.entries.delete(key)
    this.bytes -= entry.value.length
  }
}
