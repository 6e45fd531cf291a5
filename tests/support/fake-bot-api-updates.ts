import type { Update } from 'grammy/types'
import { BotApiError } from './fake-bot-api-error.ts'

export type UpdateInput = Omit<Update, 'update_id'> & { update_id?: number }

export interface GetUpdatesParams {
  offset?: number
  limit?: number
  timeout?: number
  allowed_updates?: readonly string[]
}

// Telegram leaves these out unless allowed_updates names them.
const OPT_IN_TYPES = new Set(['chat_member', 'message_reaction', 'message_reaction_count'])

const CONFLICT = 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'

interface LongPoll {
  limit: number
  timer: ReturnType<typeof setTimeout>
  settle: (result: Update[] | BotApiError) => void
}

/** The server side of getUpdates: one queue of unconfirmed updates, at most one waiting long poll. */
export class UpdateQueue {
  /** Every update_id below this is confirmed and gone. */
  confirmedOffset = 0
  /** The persisted allowed_updates setting; undefined until a client sends one. */
  allowedUpdates: readonly string[] | undefined
  getUpdatesCalls = 0
  private unconfirmed: Update[] = []
  private nextId: number
  private poll: LongPoll | undefined

  constructor(firstUpdateId: number) {
    this.nextId = firstUpdateId
  }

  push(inputs: readonly UpdateInput[]): number[] {
    const ids = inputs.map((input) => this.store(input))
    this.wake()
    return ids
  }

  pending(): Update[] {
    return [...this.unconfirmed]
  }

  /** Resolves with the updates to return, or rejects with the BotApiError to answer. */
  getUpdates(params: GetUpdatesParams, signal?: AbortSignal): Promise<Update[]> {
    this.getUpdatesCalls++
    this.settlePoll(new BotApiError({ error_code: 409, description: CONFLICT }))
    if (params.allowed_updates !== undefined) this.allowedUpdates = [...params.allowed_updates]
    this.confirm(params.offset ?? 0)
    const limit = Math.min(100, Math.max(1, params.limit ?? 100))
    const ready = this.select(limit)
    const timeoutMs = (params.timeout ?? 0) * 1000
    if (ready.length > 0 || timeoutMs <= 0) return Promise.resolve(ready)

    return new Promise((resolve, reject) => {
      const poll: LongPoll = {
        limit,
        timer: setTimeout(() => this.settlePoll([]), timeoutMs),
        settle: (result) => (result instanceof BotApiError ? reject(result) : resolve(result)),
      }
      this.poll = poll
      // The client hung up (e.g. SIGKILL): stop waiting so the next poll is not answered 409 on its behalf.
      signal?.addEventListener('abort', () => this.poll === poll && this.settlePoll([]), { once: true })
    })
  }

  /**
   * Numbers the next updates from `firstId`, as Telegram does after a week without any (it picks
   * the next id at random, perhaps lower than before): an offset past the new numbering, a client's
   * from the old one, confirms none of it (go-telegram-bot-api/telegram-bot-api#156).
   */
  renumber(firstId: number): void {
    if (this.unconfirmed.length > 0) throw new Error('Telegram numbers anew only after a week without updates: none may be pending')
    this.nextId = firstId
    this.confirmedOffset = firstId
  }

  /** Confirms everything pending, as deleteWebhook/setWebhook with drop_pending_updates do. */
  dropPending(): void {
    this.confirm(this.nextId)
  }

  close(): void {
    this.settlePoll([])
  }

  private store(input: UpdateInput): number {
    const id = input.update_id ?? this.nextId
    if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`update_id must be a positive integer, got ${id}`)
    if (id < this.confirmedOffset) {
      throw new Error(`update_id ${id} is below the confirmed offset ${this.confirmedOffset}; Telegram would never deliver it`)
    }
    this.nextId = Math.max(this.nextId, id + 1)
    const update = { ...input, update_id: id } as Update
    // Appending in id order (the usual case) stays linear for benchmarks that queue many updates.
    const last = this.unconfirmed.at(-1)
    if (!last || last.update_id < id) {
      this.unconfirmed.push(update)
      return id
    }
    if (this.unconfirmed.some((u) => u.update_id === id)) throw new Error(`update_id ${id} is already pending`)
    const at = this.unconfirmed.findIndex((u) => u.update_id > id)
    this.unconfirmed.splice(at < 0 ? this.unconfirmed.length : at, 0, update)
    return id
  }

  private confirm(offset: number): void {
    // A negative offset keeps only the last -offset updates and forgets the rest.
    const boundary = offset < 0 ? this.unconfirmed.at(offset)?.update_id ?? this.confirmedOffset : offset
    if (boundary <= this.confirmedOffset || boundary > this.nextId) return
    this.confirmedOffset = boundary
    this.unconfirmed = this.unconfirmed.filter((u) => u.update_id >= boundary)
  }

  private select(limit: number): Update[] {
    const out: Update[] = []
    for (const u of this.unconfirmed) {
      if (out.length === limit) break
      if (this.isAllowed(u)) out.push(u)
    }
    return out
  }

  private isAllowed(update: Update): boolean {
    const type = Object.keys(update).find((key) => key !== 'update_id') ?? ''
    const allowed = this.allowedUpdates ?? []
    return allowed.length === 0 ? !OPT_IN_TYPES.has(type) : allowed.includes(type)
  }

  private wake(): void {
    if (!this.poll) return
    const ready = this.select(this.poll.limit)
    if (ready.length > 0) this.settlePoll(ready)
  }

  private settlePoll(result: Update[] | BotApiError): void {
    const poll = this.poll
    if (!poll) return
    this.poll = undefined
    clearTimeout(poll.timer)
    poll.settle(result)
  }
}
