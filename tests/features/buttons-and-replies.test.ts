import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pino from 'pino'
import { MemoryStore } from '../../bot/answers/kv-store.ts'
import { registerCommands } from '../../bot/features/commands-menu.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { type Call, Harness, keyboardOf, photoBytes, only } from './support/harness.ts'
import { count, rawTop, rawTotals } from './support/raw-figures.ts'
import { ANNA, BOB, groupTraffic } from './support/traffic.ts'
import { type TestChat, Updates } from './support/updates.ts'

const NOW = new Date('2026-10-26T10:00:00Z')
const CHAT: TestChat = { id: -1003000000101, title: 'Buttons' }
const FORUM: TestChat = { id: -1003000000102, title: 'Forum', isForum: true }
const OTHER_CHAT_ID = -1003000000999
const EXPIRED = 'This button has expired. Send the command again for fresh figures.'

/** A store that counts the answers it served, to tell a cache hit from a rebuild. */
class CountingStore extends MemoryStore {
  hits = 0
  override async get(key: string): Promise<Buffer | undefined> {
    const value = await super.get(key)
    if (value && key.startsWith('ans:')) this.hits++
    return value
  }
}

let db: TestDatabase
let harness: Harness
let store: CountingStore
const u = new Updates()

beforeAll(async () => {
  db = await createTestDatabase('features_buttons')
  store = new CountingStore()
  harness = new Harness({ db, now: NOW, store })
  await harness.feed(groupTraffic(u, CHAT, '2026-07-01T00:00:00Z', '2026-10-26T09:00:00Z', 11))
  await harness.feed(groupTraffic(u, FORUM, '2026-10-01T00:00:00Z', '2026-10-26T09:00:00Z', 12))
})
afterAll(async () => {
  await harness?.close()
  await db?.drop()
})

const messagesLine = (caption: string) => caption.split('\n').find((l) => l.startsWith('Messages: '))!.split(' (')[0]
const buttonData = (call: Call, label: string) => keyboardOf(call.payload).flat().find((b) => b.text.replaceAll('•', '').trim() === label)!.callback_data

describe('replies', () => {
  it('answers in the forum topic the command came from', async () => {
    const inTopic = { is_topic_message: true, message_thread_id: 77 }
    const stats = only(await harness.handle(u.command(FORUM, ANNA, '/stats 7d', NOW.toISOString(), inTopic)), 'sendPhoto')
    expect(stats.payload.message_thread_id).toBe(77)
    // The forum's figures are its own.
    const raw = await rawTotals(db.sql, FORUM.id, 'UTC', '2026-10-20', '2026-10-26')
    expect(messagesLine(stats.payload.caption as string)).toBe(`Messages: ${count(raw.messages)}`)
    const top = only(await harness.handle(u.command(FORUM, ANNA, '/top', NOW.toISOString(), inTopic)), 'sendMessage')
    expect(top.payload.message_thread_id).toBe(77)
    const usage = only(await harness.handle(u.command(FORUM, ANNA, '/heatmap soon', NOW.toISOString(), inTopic)), 'sendMessage')
    expect(usage.payload.message_thread_id).toBe(77)
  })

  it('answers a bad period with a short usage and an example', async () => {
    const reply = async (text: string) => only(await harness.handle(u.command(CHAT, BOB, text, NOW.toISOString())), 'sendMessage').payload.text
    const periods = 'Periods: today, yesterday, 7d, 30d (the default), 90d, 1y, all, a month such as 2026-10, or a range such as 2026-10-01..2026-10-31.'
    expect(await reply('/stats 2026-02-30')).toBe(`Sorry, 2026-02-30 is not a date.\nUsage: /stats [period]\n${periods}\nExample: /stats 7d`)
    expect(await reply('/top reactions 2026-10-31..2026-10-01')).toBe(
      `Sorry, the range starts after it ends (2026-10-31 > 2026-10-01).\nUsage: /top reactions [period]\n${periods}\nExample: /top reactions 7d`,
    )
    expect(await reply('/heatmap 2027-01')).toMatch(/^Sorry, January 2027 has not started yet\.\nUsage: \/heatmap \[period\]/)
    expect(await reply('/stats 1900-01-01..2026-01-01')).toMatch(/^Sorry, that range is 46022 days long; at most 3660/)
    // Echoed input cannot mention anyone.
    expect(await reply('/stats @admin')).toMatch(/^Sorry, “@\u2060admin” is not a period I know\./)
  })

  it('tells where the commands work when asked in a private chat', async () => {
    const update = u.command(CHAT, ANNA, '/stats', NOW.toISOString()) as { message: { chat: unknown } }
    update.message.chat = { id: ANNA.id, type: 'private', first_name: ANNA.first_name }
    const text = only(await harness.handle(update as never), 'sendMessage').payload.text
    expect(text).toMatch(/^I answer this in groups/)
  })

  it('answers /start and /help in a private chat with what it does, how to set it up and every command; /help in a group with the group\'s', async () => {
    const privately = async (text: string) => {
      const update = u.command(CHAT, ANNA, text, NOW.toISOString()) as { message: { chat: unknown } }
      update.message.chat = { id: ANNA.id, type: 'private', first_name: ANNA.first_name }
      return only(await harness.handle(update as never), 'sendMessage').payload.text as string
    }
    const start = await privately('/start')
    expect(await privately('/help')).toBe(start)
    expect(start).toMatch(/make me an admin/)
    for (const command of ['stats', 'heatmap', 'top', 'timezone', 'access', 'channelstats']) expect(start).toContain(`/${command} — `)
    const inGroup = only(await harness.handle(u.command(CHAT, BOB, '/help', NOW.toISOString())), 'sendMessage').payload.text as string
    for (const command of ['stats', 'heatmap', 'top', 'timezone', 'access']) expect(inGroup).toContain(`/${command} — `)
    expect(inGroup).not.toContain('/channelstats')
  })
})

describe('period buttons', () => {
  it('edit the same photo message to the new period, served from the cache until new data arrives', async () => {
    const sent = only(await harness.handle(u.command(CHAT, ANNA, '/stats', NOW.toISOString())), 'sendPhoto')
    const messageId = (sent.result as { message_id: number }).message_id
    const press = () => harness.handle(u.callback(BOB, CHAT, messageId, buttonData(sent, '7d')))

    const first = await press()
    const edit = only(first, 'editMessageMedia').payload
    expect(edit).toMatchObject({ chat_id: CHAT.id, message_id: messageId })
    const media = edit.media as { type: string; caption: string; media: unknown }
    expect(media.type).toBe('photo')
    expect((await photoBytes(media.media)).subarray(1, 4).toString('latin1')).toBe('PNG')
    const raw = await rawTotals(db.sql, CHAT.id, 'UTC', '2026-10-20', '2026-10-26')
    expect(media.caption.split('\n')[0]).toBe('📊 Statistics — last 7 days (20–26 Oct 2026)')
    expect(messagesLine(media.caption)).toBe(`Messages: ${count(raw.messages)}`)
    expect(keyboardOf(edit).flat().map((b) => b.text)).toEqual(['• 7d •', '30d', '90d', 'all'])
    expect(only(first, 'answerCallbackQuery').payload.text).toBeUndefined()
    expect(first.filter((c) => c.method === 'sendPhoto' || c.method === 'sendMessage')).toEqual([])

    const hits = store.hits
    const again = only(await press(), 'editMessageMedia').payload
    expect(store.hits).toBe(hits + 1)
    expect((again.media as { caption: string }).caption).toBe(media.caption)

    // A new message in the chat: the next press shows it.
    await harness.handle(u.message(CHAT, BOB, '2026-10-26T09:30:00Z', 'one more'))
    const fresh = only(await press(), 'editMessageMedia').payload
    expect(store.hits).toBe(hits + 1)
    expect(messagesLine((fresh.media as { caption: string }).caption)).toBe(`Messages: ${count(raw.messages + 1)}`)
  })

  it('edit a text answer with editMessageText', async () => {
    const sent = only(await harness.handle(u.command(CHAT, ANNA, '/top reactions', NOW.toISOString())), 'sendMessage')
    const messageId = (sent.result as { message_id: number }).message_id
    expect(buttonData(sent, 'all')).toBe(`p:r:all:${CHAT.id}`)
    const calls = await harness.handle(u.callback(ANNA, CHAT, messageId, buttonData(sent, 'all')))
    const edit = only(calls, 'editMessageText').payload
    expect(edit).toMatchObject({ chat_id: CHAT.id, message_id: messageId })
    const first = (await db.sql<{ d: string }[]>`SELECT min((date AT TIME ZONE 'UTC')::date)::text AS d FROM messages WHERE chat_id = ${CHAT.id}`)[0]!.d
    const raw = await rawTop(db.sql, CHAT.id, 'UTC', first, '2026-10-26', 'reactions')
    expect((edit.text as string).split('\n').at(-1)).toBe(`Total: ${count(raw.total)} reactions`)
    expect(edit.parse_mode).toBeUndefined()
  })

  it('answer expired and foreign buttons politely and change nothing', async () => {
    const sent = only(await harness.handle(u.command(CHAT, ANNA, '/heatmap', NOW.toISOString())), 'sendPhoto')
    const messageId = (sent.result as { message_id: number }).message_id
    const answerTo = async (update: Parameters<Harness['handle']>[0]) => {
      const calls = await harness.handle(update)
      return { text: only(calls, 'answerCallbackQuery').payload.text, edited: calls.some((c) => c.method.startsWith('edit')) }
    }
    // A button from another chat's answer (copied keyboards, forged data).
    expect(await answerTo(u.callback(ANNA, CHAT, messageId, `p:h:7d:${OTHER_CHAT_ID}`))).toEqual({ text: 'This button belongs to another chat.', edited: false })
    // Data this version never makes.
    for (const data of ['p:x:7d:1', `p:h:week:${CHAT.id}`, 'p:h:7d', `p:h:7d:${CHAT.id}:extra`]) {
      expect(await answerTo(u.callback(ANNA, CHAT, messageId, data))).toEqual({ text: EXPIRED, edited: false })
    }
    // A message too old for the bot to see comes as an inaccessible message (date 0).
    expect(await answerTo(u.callback(ANNA, CHAT, messageId, `p:h:7d:${CHAT.id}`, 0))).toEqual({ text: EXPIRED, edited: false })
    // A message that is gone: Telegram refuses the edit.
    expect(await answerTo(u.callback(ANNA, CHAT, 424242, `p:h:7d:${CHAT.id}`))).toEqual({ text: EXPIRED, edited: true })
  })
})

describe('command menu', () => {
  it('registers every command for all group chats, and each one answers there', async () => {
    const from = harness.calls.length
    await registerCommands(harness.bot.api, pino({ level: 'silent' }))
    const menus = harness.calls.slice(from).filter((c) => c.method === 'setMyCommands')
    expect(menus.map((c) => c.payload.scope)).toEqual([{ type: 'all_group_chats' }, { type: 'all_private_chats' }])
    expect((menus[1]!.payload.commands as { command: string }[]).map((c) => c.command)).toEqual(['channelstats', 'help'])
    const call = menus[0]!
    const commands = (call.payload.commands as { command: string; description: string }[]).map((c) => c.command)
    expect(commands).toEqual(['stats', 'heatmap', 'top', 'timezone', 'access', 'help'])
    for (const command of commands) {
      const calls = await harness.handle(u.command(CHAT, ANNA, `/${command}`, NOW.toISOString()))
      expect(calls.filter((c) => c.method === 'sendMessage' || c.method === 'sendPhoto'), command).toHaveLength(1)
    }
  })
})
