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
 * Per-sender and per-chat cooldowns as expiring keys (SET NX PX in Redis). The sender is checked
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
    const taken: string[] = []
    for (const { key, seconds } of keys) {
      if (seconds <= 0) continue
      if (await this.store.claim(key, seconds * 1000)) {
        taken.push(key)
        continue
      }
      // Refused here: give back what this request claimed before, it will not be answered.
      await Promise.all(taken.map((k) => this.store.delete(k)))
      const remaining = await this.store.remainingMs(key)
      // It expired just now: try once more rather than refuse with "0 s".
      if (remaining <= 0 && !retried) return this.acquire(keys, true)
      const notify = await this.store.claim(`${key}:told`, remaining)
      return { ok: false, retryInSeconds: Math.max(1, Math.ceil(remaining / 1000)), notify }
    }
    return { ok: true }
  }
}
