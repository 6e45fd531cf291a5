import { createHash, randomBytes } from 'node:crypto'
import type { KvStore } from './kv-store.ts'

/** A rendered reply: a chart with its caption, or text. Keyboards are added when sending. */
export type Answer = { kind: 'photo'; photo: Buffer; caption: string } | { kind: 'text'; text: string }

export interface AnswerCacheOptions {
  ttlMs: number
  /** Distinguishes this process's entries from a previous run's (whose generations restarted at 0). */
  epoch?: string
}

/**
 * Rendered answers keyed by chat, the chat's data generation and what was asked. New data for a
 * chat bumps its generation, which makes every older entry unreachable at once (they expire by
 * TTL): invalidation is O(1) per chat and never scans keys. An answer built while new data was
 * being committed lands under the old generation, so it can never be served as fresh.
 *
 * Generations live in this process: only one process polls a bot's updates, so only it sees new
 * data. The store (Redis or memory) holds the bytes, which keeps the PNGs off the Node heap.
 */
export class AnswerCache {
  private readonly generations = new Map<number, number>()
  private readonly building = new Map<string, Promise<Answer>>()
  private readonly epoch: string

  constructor(
    private readonly store: KvStore,
    private readonly options: AnswerCacheOptions,
  ) {
    this.epoch = options.epoch ?? randomBytes(4).toString('hex')
  }

  /** Call after new data for these chats is committed (the batch writer's onCommitted). */
  invalidateChats(chatIds: Iterable<number>): void {
    for (const chatId of chatIds) this.generations.set(chatId, (this.generations.get(chatId) ?? 0) + 1)
  }

  generation(chatId: number): number {
    return this.generations.get(chatId) ?? 0
  }

  /** The cached answer for `what` in this chat, or a freshly built one (built once for concurrent askers). */
  async getOrBuild(chatId: number, what: string, build: () => Promise<Answer>): Promise<Answer> {
    const key = this.keyFor(chatId, what)
    const pending = this.building.get(key)
    if (pending) return pending
    const promise = this.lookUpOrBuild(key, build)
    this.building.set(key, promise)
    try {
      return await promise
    } finally {
      this.building.delete(key)
    }
  }

  private async lookUpOrBuild(key: string, build: () => Promise<Answer>): Promise<Answer> {
    const cached = await this.store.get(key)
    const answer = cached && decodeAnswer(cached)
    if (answer) return answer
    const built = await build()
    await this.store.set(key, encodeAnswer(built), this.options.ttlMs)
    return built
  }

  private keyFor(chatId: number, what: string): string {
    const digest = createHash('sha1').update(what).digest('base64url').slice(0, 20)
    return `ans:${this.epoch}:${chatId}:${this.generation(chatId)}:${digest}`
  }
}

// Layout: 4-byte header length, JSON header (kind, caption or text), then the PNG bytes if any.
export function encodeAnswer(answer: Answer): Buffer {
  const header = Buffer.from(JSON.stringify(answer.kind === 'photo' ? { kind: 'photo', caption: answer.caption } : answer))
  const length = Buffer.alloc(4)
  length.writeUInt32BE(header.length)
  return Buffer.concat(answer.kind === 'photo' ? [length, header, answer.photo] : [length, header])
}

export function decodeAnswer(data: Buffer): Answer | undefined {
  try {
    const length = data.readUInt32BE(0)
    const header = JSON.parse(data.subarray(4, 4 + length).toString()) as { kind: string; caption?: string; text?: string }
    if (header.kind === 'photo' && typeof header.caption === 'string') return { kind: 'photo', caption: header.caption, photo: data.subarray(4 + length) }
    if (header.kind === 'text' && typeof header.text === 'string') return { kind: 'text', text: header.text }
  } catch {
    // A damaged or foreign entry is a miss.
  }
  return undefined
}
