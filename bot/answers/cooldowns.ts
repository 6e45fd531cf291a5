import type { KvStore } from './kv-store.ts'

export interface CooldownOptions {
  /** Between two commands of one sender (0 = off). */
  userSeconds: number
  /** Between two answers in one chat, commands and buttons alike (0 = off). */
  chatSeconds: number
  /** Between two button presses of one user (0 = off). */
  buttonSeconds: number
}

export type CooldownResult =
  | { ok: true }
  /** `notify` is true for the first refusal of a cooldown only, so "try again" is said once. */
  | { ok: false; retryInSeconds: number; notify: boolean }

/**
 * Per-sender and per-chat cooldowns as expiring keys, claimed all at once (one script in Redis). The sender is checked
 * first, so someone who keeps typing is refused without touching the chat's cooldown.
 */
export class Cooldowns {
  constructor(
    private readonly store: KvStore,
    private readonly options: CooldownOptions,
  ) {}

  /** `senderId`: the user, or the chat an anonymous admin or channel posts as. */
  check(chatId: number, senderId: number, scope: 'command' | 'button'): Promise<CooldownResult> {
    const own = scope === 'command'
      ? { key: `cd:u:${senderId}`, seconds: this.options.userSeconds }
      : { key: `cd:b:${senderId}`, seconds: this.options.buttonSeconds }
    return this.acquire([own, { key: `cd:c:${chatId}`, seconds: this.options.chatSeconds }])
  }

  private async acquire(keys: { key: string; seconds: number }[], retried = false): Promise<CooldownResult> {
    const entries = keys.filter((k) => k.seconds > 0).map((k) => ({ key: k.key, ttlMs: k.seconds * 1000 }))
    if (entries.length === 0) return { ok: true }
    // All at once or none: a request refused by one key must not hold the others, even for a
    // moment, or a concurrent request would be refused for a cooldown that is then given back.
    const result = await this.store.claimAll(entries)
    if (result.claimed) return { ok: true }
    // It expired just now: try once more rather than refuse with "0 s".
    if (result.remainingMs <= 0 && !retried) return this.acquire(keys, true)
    const notify = await this.store.claim(`${result.key}:told`, result.remainingMs)
    return { ok: false, retryInSeconds: Math.max(1, Math.ceil(result.remainingMs / 1000)), notify }
  }
}
