import type { Bot } from 'grammy'
import type { Chat, Update, UserFromGetMe } from 'grammy/types'
import { testBotInfo } from '../support/bot-info.ts'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { BotContext } from '../../bot/context.ts'
import { createBot } from '../../bot/create-bot.ts'
import { BatchWriter } from '../../bot/ingest/batch-writer.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { memoryLogger, type LogLine } from '../ingest/support/memory-log.ts'
import { truncateAll } from '../ingest/support/tables.ts'
import { FX, fixtureUpdate, group, myChatMemberUpdate, T0, user } from '../ingest/support/updates.ts'

const BOT_ID = 5_151_515
const TOKEN = `${BOT_ID}:AAHmembershipTestToken_0123456789`
const BOT_INFO: UserFromGetMe = testBotInfo({
  id: BOT_ID,
  first_name: 'Group Analytics',
  username: 'group_analytics_test_bot',
})
const botUser = user(BOT_ID, 'Group Analytics', { is_bot: true, username: 'group_analytics_test_bot' })
const owner = user(7001, 'Owner')

let db: TestDatabase
let calls: { method: string; payload: Record<string, unknown> }[]
let lines: LogLine[]
let writer: BatchWriter | undefined
/** How the fake Bot API answers sendMessage. */
let sendMessageAnswer: 'ok' | 'forbidden'

beforeAll(async () => {
  db = await createTestDatabase('bot_membership')
})
afterAll(async () => {
  await db?.drop()
})
beforeEach(async () => {
  await truncateAll(db.sql)
  calls = []
  sendMessageAnswer = 'ok'
})
afterEach(async () => {
  await writer?.close({ abandon: true })
  writer = undefined
})

function makeBot(warnWithoutAdmin = true): Bot<BotContext> {
  const memory = memoryLogger('debug')
  lines = memory.lines
  writer = new BatchWriter(db.sql, { maxRows: 100, maxDelayMs: 2, log: memory.log, botId: BOT_ID })
  const bot = createBot({
    token: TOKEN,
    // Nothing listens here: any call that escapes the recorder below fails loudly.
    apiRoot: 'http://127.0.0.1:9',
    botInfo: BOT_INFO,
    sql: db.sql,
    writer,
    log: memory.log,
    warnWithoutAdmin,
  })
  bot.api.config.use(async (_prev, method, payload) => {
    const p = payload as Record<string, unknown>
    calls.push({ method, payload: p })
    if (method === 'sendMessage' && sendMessageAnswer === 'forbidden')
      return { ok: false, error_code: 403, description: 'Forbidden: bot is not a member of the supergroup chat' } as never
    return {
      ok: true,
      result: { message_id: calls.length, date: T0, chat: { id: p.chat_id, type: 'supergroup', title: 'x' }, text: p.text },
    } as never
  })
  return bot
}

let date = T0
const change = (chat: Chat, oldStatus: string, newStatus: string): Update =>
  myChatMemberUpdate({ chat, from: owner, date: ++date, bot: botUser, oldStatus, newStatus })

const notes = (chatId?: number) => calls.filter((c) => c.method === 'sendMessage' && (chatId === undefined || c.payload.chat_id === chatId))

function expectExplains(call: { payload: Record<string, unknown> } | undefined): void {
  const text = String(call?.payload.text)
  expect(text).toMatch(/admin/i)
  expect(text).toMatch(/can't see|cannot see|don't see/i)
  expect(text).toMatch(/messages/i)
}

describe('the missing-admin-rights note', () => {
  it('is sent once when the bot is added without admin rights, even if the update is replayed or another non-admin update follows', async () => {
    const bot = makeBot()
    const chat = group(-1004100000001, 'No rights')
    const added = change(chat, 'left', 'member')
    await bot.handleUpdate(added)
    expect(notes()).toHaveLength(1)
    expect(notes()[0]!.payload.chat_id).toBe(chat.id)
    expectExplains(notes()[0])

    await bot.handleUpdate(added)
    await bot.handleUpdate(change(chat, 'member', 'restricted'))
    expect(notes()).toHaveLength(1)
    expect(calls.map((c) => c.method)).toEqual(['sendMessage'])
    // Stored as well: two distinct membership changes (the replay is not a third).
    expect(await db.sql`SELECT new_status FROM bot_membership_events ORDER BY date`).toEqual([{ new_status: 'member' }, { new_status: 'restricted' }])
  })

  it('is not sent on promotion, and once more after a demotion', async () => {
    const bot = makeBot()
    const chat = group(-1004100000002, 'Promoted later')
    await bot.handleUpdate(change(chat, 'left', 'member'))
    expect(notes()).toHaveLength(1)
    await bot.handleUpdate(change(chat, 'member', 'administrator'))
    expect(notes()).toHaveLength(1)
    const demoted = change(chat, 'administrator', 'member')
    await bot.handleUpdate(demoted)
    expect(notes()).toHaveLength(2)
    expectExplains(notes()[1])
    await bot.handleUpdate(demoted)
    expect(notes()).toHaveLength(2)
  })

  it('is not sent when the bot is added as an admin directly', async () => {
    const bot = makeBot()
    const chat = group(-1004100000003, 'Admin from the start')
    const added = change(chat, 'left', 'administrator')
    await bot.handleUpdate(added)
    await bot.handleUpdate(added)
    expect(calls).toEqual([])
  })

  it('is sent again after the bot was removed and added back without rights', async () => {
    const bot = makeBot()
    const chat = group(-1004100000004, 'Come back')
    await bot.handleUpdate(change(chat, 'left', 'member'))
    await bot.handleUpdate(change(chat, 'member', 'left'))
    expect(notes()).toHaveLength(1)
    await bot.handleUpdate(change(chat, 'left', 'member'))
    expect(notes()).toHaveLength(2)
  })

  it('is sent once when two non-admin updates are handled at the same time', async () => {
    const bot = makeBot()
    const chat = group(-1004100000005, 'Concurrent')
    await Promise.all([bot.handleUpdate(change(chat, 'left', 'member')), bot.handleUpdate(change(chat, 'member', 'restricted'))])
    expect(notes()).toHaveLength(1)
  })

  it('goes to each chat separately', async () => {
    const bot = makeBot()
    const a = group(-1004100000006, 'A')
    const b = group(-1004100000007, 'B')
    await bot.handleUpdate(change(a, 'left', 'member'))
    await bot.handleUpdate(change(b, 'left', 'member'))
    expect(notes().map((n) => n.payload.chat_id)).toEqual([a.id, b.id])
  })

  it('is not sent when the feature is switched off', async () => {
    const bot = makeBot(false)
    await bot.handleUpdate(change(group(-1004100000008, 'Quiet'), 'left', 'member'))
    expect(calls).toEqual([])
  })

  it('is not sent for a private chat (real capture of a user blocking the bot)', async () => {
    const bot = makeBot()
    await bot.handleUpdate(fixtureUpdate(FX.privateMyChatMember))
    expect(calls).toEqual([])
  })

  it('a refused sendMessage is logged as a warning, not thrown', async () => {
    const bot = makeBot()
    sendMessageAnswer = 'forbidden'
    await expect(bot.handleUpdate(change(group(-1004100000009, 'Muted'), 'left', 'member'))).resolves.toBeUndefined()
    expect(notes()).toHaveLength(1)
    expect(lines.some((l) => l.level === 40 && /missing-admin-rights note/.test(l.msg))).toBe(true)
  })
})
