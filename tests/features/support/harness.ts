import pino from 'pino'
import { expect } from 'vitest'
import type { Bot, InputFile } from 'grammy'
import type { UserFromGetMe } from 'grammy/types'
import { testBotInfo } from '../../support/bot-info.ts'
import type { BotContext } from '../../../bot/context.ts'
import { createBot } from '../../../bot/create-bot.ts'
import { BatchWriter } from '../../../bot/ingest/batch-writer.ts'
import { AnswerCache } from '../../../bot/answers/answer-cache.ts'
import type { CooldownOptions } from '../../../bot/answers/cooldowns.ts'
import { MemoryStore, type KvStore } from '../../../bot/answers/kv-store.ts'
import type { TestDatabase } from '../../support/test-db.ts'

export const BOT_ID = 4242
export const BOT_INFO: UserFromGetMe = testBotInfo({
  id: BOT_ID,
  first_name: 'Group Stats',
  username: 'group_stats_test_bot',
  can_read_all_group_messages: true,
})

export interface Call {
  method: string
  payload: Record<string, unknown>
  result?: unknown
}

export interface HarnessOptions {
  db: TestDatabase
  now: Date
  cooldowns?: CooldownOptions
  store?: KvStore
  zoneChangeNoticeMessages?: number
}

/**
 * A real bot from createBot, storing through a real batch writer into the test database, with
 * every outgoing Bot API call recorded and answered like Telegram would.
 */
export class Harness {
  readonly calls: Call[] = []
  /** chat id → user ids Telegram reports as admins. */
  readonly admins = new Map<number, Set<number>>()
  readonly bot: Bot<BotContext>
  readonly writer: BatchWriter
  readonly answerCache: AnswerCache
  readonly store: KvStore
  private sentMessageId = 10_000
  /** message ids the fake Telegram knows, per chat, for edits. */
  private readonly sent = new Map<number, Set<number>>()

  constructor(options: HarnessOptions) {
    const log = pino({ level: 'silent' })
    this.store = options.store ?? new MemoryStore()
    this.answerCache = new AnswerCache(this.store, { ttlMs: 600_000 })
    this.writer = new BatchWriter(options.db.sql, {
      maxRows: 1000, maxDelayMs: 1, log, botId: BOT_ID,
      onCommitted: (summary) => this.answerCache.invalidateChats(summary.chatIds),
    })
    this.bot = createBot({
      token: `${BOT_ID}:TEST_TOKEN_FOR_FEATURE_TESTS_ONLY`,
      apiRoot: 'http://127.0.0.1:9',
      botInfo: BOT_INFO,
      sql: options.db.sql,
      writer: this.writer,
      log,
      warnWithoutAdmin: false,
      analytics: {
        store: this.store,
        answerCache: this.answerCache,
        cooldowns: options.cooldowns ?? { userSeconds: 0, chatSeconds: 0, buttonSeconds: 0 },
        now: () => options.now,
        zoneChangeNoticeMessages: options.zoneChangeNoticeMessages,
      },
    })
    this.bot.api.config.use(async (_prev, method, payload) => {
      const p = payload as Record<string, unknown>
      const call: Call = { method, payload: p }
      this.calls.push(call)
      if ((method === 'editMessageText' || method === 'editMessageMedia') && !this.sent.get(p.chat_id as number)?.has(p.message_id as number)) {
        return { ok: false, error_code: 400, description: 'Bad Request: message to edit not found' } as never
      }
      call.result = this.answer(method, p)
      return { ok: true, result: call.result } as never
    })
  }

  private answer(method: string, p: Record<string, unknown>): unknown {
    const chatId = p.chat_id as number
    switch (method) {
      case 'getChatMember': {
        const admin = this.admins.get(chatId)?.has(p.user_id as number)
        return { status: admin ? 'administrator' : 'member', user: { id: p.user_id, is_bot: false, first_name: 'U' } }
      }
      case 'sendMessage':
      case 'sendPhoto': {
        const messageId = ++this.sentMessageId
        const known = this.sent.get(chatId) ?? new Set()
        known.add(messageId)
        this.sent.set(chatId, known)
        return { message_id: messageId, date: 1, chat: { id: chatId, type: 'supergroup', title: 'T' }, text: p.text }
      }
      case 'editMessageText':
      case 'editMessageMedia':
        return { message_id: p.message_id, date: 1, chat: { id: chatId, type: 'supergroup', title: 'T' } }
      default:
        return true
    }
  }

  async handle(...updates: Parameters<Bot<BotContext>['handleUpdate']>[0][]): Promise<Call[]> {
    const from = this.calls.length
    for (const update of updates) await this.bot.handleUpdate(update)
    return this.calls.slice(from)
  }

  /** Feeds many updates at once, as the runner would, and waits until all are stored. */
  async feed(updates: Parameters<Bot<BotContext>['handleUpdate']>[0][]): Promise<void> {
    for (let i = 0; i < updates.length; i += 200) {
      await Promise.all(updates.slice(i, i + 200).map((u) => this.bot.handleUpdate(u)))
    }
  }

  setAdmin(chatId: number, userId: number): void {
    const set = this.admins.get(chatId) ?? new Set()
    set.add(userId)
    this.admins.set(chatId, set)
  }

  close(): Promise<void> {
    return this.writer.close()
  }
}

/** The PNG bytes of a sent or edited photo. */
export async function photoBytes(file: unknown): Promise<Buffer> {
  const data = await (file as InputFile).toRaw()
  if (!(data instanceof Uint8Array)) throw new Error('expected an in-memory PNG')
  return Buffer.from(data)
}

export function keyboardOf(payload: Record<string, unknown>): { text: string; callback_data: string }[][] {
  const markup = payload.reply_markup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined
  return markup?.inline_keyboard ?? []
}

/** The one call of `method` among `calls`; fails naming what was called instead. */
export function only(calls: Call[], method: string): Call {
  const found = calls.filter((c) => c.method === method)
  expect(found, `${method} among ${calls.map((c) => c.method).join(', ')}`).toHaveLength(1)
  return found[0]!
}
