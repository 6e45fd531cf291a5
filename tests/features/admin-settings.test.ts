import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { Harness, only } from './support/harness.ts'
import { rawTotals } from './support/raw-figures.ts'
import { ADMIN, ANNA, BOB, groupTraffic } from './support/traffic.ts'
import { type TestChat, Updates } from './support/updates.ts'

const NOW = new Date('2026-10-26T10:00:00Z')
const ZONE_CHAT: TestChat = { id: -1003000000201, title: 'Night owls' }
const ACCESS_CHAT: TestChat = { id: -1003000000202, title: 'Admins only' }
const ADMINS_ONLY = 'In this chat only admins can use my commands (an admin can change that with /access everyone).'

let db: TestDatabase
let harness: Harness
const u = new Updates()
const asGroup = (chat: TestChat) => ({ id: chat.id, title: chat.title, type: 'supergroup' as const })

beforeAll(async () => {
  db = await createTestDatabase('features_admin')
  harness = new Harness({ db, now: NOW })
  harness.setAdmin(ZONE_CHAT.id, ADMIN.id)
  harness.setAdmin(ACCESS_CHAT.id, ADMIN.id)
  await harness.feed([
    // 23:30 UTC on 20 Oct is 01:30 on 21 Oct in Berlin (CEST, UTC+2).
    u.message(ZONE_CHAT, ANNA, '2026-10-20T23:30:00Z', 'late'),
    u.message(ZONE_CHAT, BOB, '2026-10-21T12:00:00Z', 'noon'),
    u.message(ZONE_CHAT, BOB, '2026-10-20T12:00:00Z', 'noon the day before'),
  ])
  await harness.feed(groupTraffic(u, ACCESS_CHAT, '2026-10-01T00:00:00Z', '2026-10-26T09:00:00Z', 21))
})
afterAll(async () => {
  await harness?.close()
  await db?.drop()
})

const say = (chat: TestChat, who: typeof ANNA, text: string) => harness.handle(u.command(chat, who, text, NOW.toISOString()))
const textOf = async (chat: TestChat, who: typeof ANNA, text: string) => only(await say(chat, who, text), 'sendMessage').payload.text as string
const messagesOn = async (day: string) => {
  const caption = only(await say(ZONE_CHAT, ANNA, `/stats ${day}`), 'sendPhoto').payload.caption as string
  return caption.split('\n').find((l) => l.startsWith('Messages: '))!.split(' (')[0]
}
const storedZone = async (chatId: number) => (await db.sql<{ time_zone: string }[]>`SELECT time_zone FROM chats WHERE chat_id = ${chatId}`)[0]!.time_zone

describe('/timezone', () => {
  it('shows the current zone, UTC by default', async () => {
    expect(await textOf(ZONE_CHAT, BOB, '/timezone')).toBe(
      'Time zone here: UTC (UTC, local time 10:00).\nAdmins can change it. Example: /timezone Europe/Berlin (or Asia/Kolkata, America/New_York, UTC).',
    )
  })

  it('refuses a member who is no admin, checking with Telegram', async () => {
    const calls = await say(ZONE_CHAT, BOB, '/timezone Europe/Berlin')
    expect(only(calls, 'getChatMember').payload).toMatchObject({ chat_id: ZONE_CHAT.id, user_id: BOB.id })
    expect(only(calls, 'sendMessage').payload.text).toBe('Only the admins of this chat can change its time zone.')
    expect(await storedZone(ZONE_CHAT.id)).toBe('UTC')
  })

  it('refuses a name that is no IANA zone, with an example', async () => {
    expect(await textOf(ZONE_CHAT, ADMIN, '/timezone Berlin')).toBe(
      '“Berlin” is not an IANA time zone name.\nExample: /timezone Europe/Berlin (or Asia/Kolkata, America/New_York, UTC).',
    )
    expect(await storedZone(ZONE_CHAT.id)).toBe('UTC')
  })

  it('changes the answers at once when an admin sets it: 23:30 UTC moves to the next day in Berlin', async () => {
    // In UTC: one message on each day (plus nothing else on those days).
    expect(await messagesOn('2026-10-20')).toBe('Messages: 2')
    expect(await messagesOn('2026-10-21')).toBe('Messages: 1')
    expect((await rawTotals(db.sql, ZONE_CHAT.id, 'UTC', '2026-10-21', '2026-10-21')).messages).toBe(1)

    expect(await textOf(ZONE_CHAT, ADMIN, '/timezone europe/BERLIN')).toBe(
      'Time zone set to Europe/Berlin (UTC+01:00, local time 11:00). Days, weekdays and hours in every answer now follow it.',
    )
    expect(await storedZone(ZONE_CHAT.id)).toBe('Europe/Berlin')
    expect(await messagesOn('2026-10-20')).toBe('Messages: 1')
    expect(await messagesOn('2026-10-21')).toBe('Messages: 2')
    expect((await rawTotals(db.sql, ZONE_CHAT.id, 'Europe/Berlin', '2026-10-21', '2026-10-21')).messages).toBe(2)
    const caption = only(await say(ZONE_CHAT, ANNA, '/stats 2026-10-21'), 'sendPhoto').payload.caption as string
    expect(caption.split('\n')[1]).toBe('Time zone: Europe/Berlin')
  })

  it('takes an anonymous admin (posting as the group) as an admin without asking Telegram', async () => {
    const calls = await harness.handle(u.asChat(ZONE_CHAT, asGroup(ZONE_CHAT), NOW.toISOString(), '/timezone Asia/Kolkata'))
    expect(calls.filter((c) => c.method === 'getChatMember')).toEqual([])
    expect(only(calls, 'sendMessage').payload.text).toMatch(/^Time zone set to Asia\/Kolkata \(UTC\+05:30, local time 15:30\)/)
    expect(await storedZone(ZONE_CHAT.id)).toBe('Asia/Kolkata')
  })
})

describe('/timezone in a chat with a long history', () => {
  it('first says the change is under way, then that it is done', async () => {
    // A threshold of 3 messages stands in for the default's hundreds of thousands.
    const chat: TestChat = { id: -1003000000204, title: 'Big one' }
    const big = new Harness({ db, now: NOW, zoneChangeNoticeMessages: 3 })
    big.setAdmin(chat.id, ADMIN.id)
    try {
      await big.feed(groupTraffic(u, chat, '2026-10-01T00:00:00Z', '2026-10-26T09:00:00Z', 5))
      const [{ n } = { n: 0 }] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM messages WHERE chat_id = ${chat.id}`
      expect(n).toBeGreaterThanOrEqual(3)
      const calls = await big.handle(u.command(chat, ADMIN, '/timezone Asia/Tokyo', NOW.toISOString()))
      const texts = calls.filter((c) => c.method === 'sendMessage').map((c) => c.payload.text as string)
      expect(texts).toEqual([
        `Applying Asia/Tokyo to ${n + 1} messages of history. In a chat this size that takes a while; the answers switch over when it is done, and nothing is lost meanwhile.`,
        'Time zone set to Asia/Tokyo (UTC+09:00, local time 19:00). Days, weekdays and hours in every answer now follow it.',
      ])
    } finally {
      await big.close()
    }
  })

  it('says nothing before the change in a small chat', async () => {
    const calls = await harness.handle(u.command(ZONE_CHAT, ADMIN, '/timezone UTC', NOW.toISOString()))
    expect(calls.filter((c) => c.method === 'sendMessage').map((c) => c.payload.text)).toEqual([
      'Time zone set to UTC (UTC, local time 10:00). Days, weekdays and hours in every answer now follow it.',
    ])
  })
})

describe('/access', () => {
  it('is open to everyone by default, and only admins may restrict it', async () => {
    expect(await textOf(ACCESS_CHAT, BOB, '/access')).toMatch(/^Everyone here may use \/stats, \/heatmap and \/top\./)
    expect(await textOf(ACCESS_CHAT, BOB, '/access admins')).toBe('Only the admins of this chat can change who may use the commands.')
    expect(only(await say(ACCESS_CHAT, BOB, '/stats'), 'sendPhoto')).toBeDefined()
    expect(await textOf(ACCESS_CHAT, ADMIN, '/access sometimes')).toMatch(/^Usage: \/access everyone/)
    expect(await textOf(ACCESS_CHAT, ADMIN, '/access Admins')).toBe('Done. Only admins here may use /stats, /heatmap and /top.')
  })

  it('then answers admins only: members get a short refusal, buttons too', async () => {
    const refused = await say(ACCESS_CHAT, BOB, '/top')
    expect(only(refused, 'sendMessage').payload.text).toBe(ADMINS_ONLY)
    expect(refused.filter((c) => c.method === 'sendPhoto')).toEqual([])
    // The list of the commands, too.
    expect(await textOf(ACCESS_CHAT, BOB, '/help')).toBe(ADMINS_ONLY)
    expect(await textOf(ACCESS_CHAT, ADMIN, '/help')).toMatch(/^\/stats — /)

    const answer = only(await say(ACCESS_CHAT, ADMIN, '/stats 7d'), 'sendPhoto')
    const anonymous = await harness.handle(u.asChat(ACCESS_CHAT, asGroup(ACCESS_CHAT), NOW.toISOString(), '/heatmap'))
    expect(only(anonymous, 'sendPhoto')).toBeDefined()

    const messageId = (answer.result as { message_id: number }).message_id
    const press = await harness.handle(u.callback(BOB, ACCESS_CHAT, messageId, `p:s:30d:${ACCESS_CHAT.id}`))
    expect(only(press, 'answerCallbackQuery').payload).toMatchObject({ text: ADMINS_ONLY, show_alert: true })
    expect(press.filter((c) => c.method.startsWith('edit'))).toEqual([])
    const adminPress = await harness.handle(u.callback(ADMIN, ACCESS_CHAT, messageId, `p:s:30d:${ACCESS_CHAT.id}`))
    expect(only(adminPress, 'editMessageMedia').payload.message_id).toBe(messageId)
  })

  it('is stored even when the command is the first thing the bot sees in a chat', async () => {
    const fresh: TestChat = { id: -1003000000203, title: 'Brand new' }
    harness.setAdmin(fresh.id, ADMIN.id)
    expect(await textOf(fresh, ADMIN, '/access admins')).toBe('Done. Only admins here may use /stats, /heatmap and /top.')
    const [row] = await db.sql<{ commands_access: string }[]>`SELECT commands_access FROM chats WHERE chat_id = ${fresh.id}`
    expect(row?.commands_access).toBe('admins')
    expect(await textOf(fresh, BOB, '/stats')).toBe(ADMINS_ONLY)
  })

  it('opens again with /access everyone', async () => {
    expect(await textOf(ACCESS_CHAT, ADMIN, '/access everyone')).toBe('Done. Everyone here may use /stats, /heatmap and /top.')
    expect(only(await say(ACCESS_CHAT, BOB, '/top'), 'sendMessage').payload.text).toMatch(/^🏆 Top senders/)
  })
})
