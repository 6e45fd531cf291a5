import pino from 'pino'
import { Bot, InputFile, type Context } from 'grammy'
import type { Update, UserFromGetMe } from 'grammy/types'
import { testBotInfo } from '../support/bot-info.ts'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createChannelStatsFeature } from '../../bot/features/channel-stats.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'

const BOT_INFO: UserFromGetMe = testBotInfo({
  id: 42,
  first_name: 'Stats Bot',
  username: 'stats_test_bot',
})
const NOW = new Date('2024-05-10T12:00:00Z')
const CHANNEL = -1001700000001
const GROUP = -1001700000002
const ADMIN = 501
const STRANGER = 502

let db: TestDatabase
let calls: { method: string; payload: Record<string, unknown> }[]
/** How the fake Bot API answers getChatMember: a status, or an error as Telegram sends it. */
let chatMember: (chatId: unknown, userId: number) => { status: string } | { error_code: number; description: string }

beforeAll(async () => {
  db = await createTestDatabase('channel_stats_bot')
  const sql = db.sql
  await sql`
    INSERT INTO stats_channels (channel_id, kind, title, username, can_view_stats, stats_dc, last_status, last_loaded_at)
    VALUES (${CHANNEL}, 'broadcast', 'Fruit News', 'fruit_news', true, 2, 'loaded', '2024-05-10T06:00:00Z'),
           (${GROUP}, 'megagroup', 'Fruit Chat', 'fruit_chat', true, 4, 'loaded', '2024-05-10T06:00:00Z')`
  await sql`
    INSERT INTO channel_overview (channel_id, fetched_on, metric, current, previous, period_start, period_end, fetched_at) VALUES
      (${CHANNEL}, '2024-05-09', 'followers', 990, 880, '2024-04-09', '2024-05-08', '2024-05-09T06:00:00Z'),
      (${CHANNEL}, '2024-05-10', 'followers', 1000, 900, '2024-04-10', '2024-05-09', '2024-05-10T06:00:00Z'),
      (${CHANNEL}, '2024-05-10', 'views_per_post', 250.5, 240.25, '2024-04-10', '2024-05-09', '2024-05-10T06:00:00Z'),
      (${CHANNEL}, '2024-05-10', 'enabled_notifications', 420, 1000, '2024-04-10', '2024-05-09', '2024-05-10T06:00:00Z'),
      (${GROUP}, '2024-05-10', 'members', 5400, 5100, '2024-04-10', '2024-05-09', '2024-05-10T06:00:00Z'),
      (${GROUP}, '2024-05-10', 'messages', 12000, 13000, '2024-04-10', '2024-05-09', '2024-05-10T06:00:00Z')`
  await sql`
    INSERT INTO channel_daily (channel_id, day, metric, value)
    SELECT ${CHANNEL}::bigint, d::date, 'growth_graph.y0', 900 + n FROM generate_series('2024-02-01'::date, '2024-05-09', '1 day') WITH ORDINALITY AS g(d, n)
    UNION ALL
    SELECT ${CHANNEL}::bigint, d::date, 'interactions_graph.y0', 200 + (n % 7) * 10 FROM generate_series('2024-02-01'::date, '2024-05-09', '1 day') WITH ORDINALITY AS g(d, n)`
  await sql`
    INSERT INTO channel_admins (channel_id, user_id, status, fetched_at) VALUES
      (${CHANNEL}, ${ADMIN}, 'creator', '2024-05-10T06:00:00Z'),
      (${GROUP}, ${ADMIN}, 'administrator', '2024-05-01T06:00:00Z')`
})
afterAll(async () => {
  await db?.drop()
})
beforeEach(() => {
  calls = []
  chatMember = () => ({ error_code: 400, description: 'Bad Request: chat not found' })
})

function createTestBot(): Bot<Context> {
  const bot = new Bot<Context>('42:TEST', { botInfo: BOT_INFO })
  bot.api.config.use(async (_prev, method, payload) => {
    const p = payload as Record<string, unknown>
    calls.push({ method, payload: p })
    if (method === 'getChatMember') {
      const answer = chatMember(p.chat_id, p.user_id as number)
      if ('error_code' in answer) return { ok: false, ...answer } as never
      return { ok: true, result: { status: answer.status, user: { id: p.user_id, is_bot: false, first_name: 'U' } } } as never
    }
    return { ok: true, result: { message_id: calls.length, date: 0, chat: { id: p.chat_id, type: 'private', first_name: 'U' } } } as never
  })
  bot.use(createChannelStatsFeature({ sql: db.sql, log: pino({ level: 'silent' }), now: () => NOW }))
  return bot
}

let updateId = 1
function command(text: string, from: number, chat: { id: number; type: 'private' | 'supergroup' } = { id: from, type: 'private' }): Update {
  const entityLength = text.split(' ')[0]!.length
  return {
    update_id: updateId++,
    message: {
      message_id: updateId,
      date: Math.floor(NOW.getTime() / 1000),
      chat: chat.type === 'private' ? { id: chat.id, type: 'private', first_name: 'U' } : { id: chat.id, type: 'supergroup', title: 'Some group' },
      from: { id: from, is_bot: false, first_name: 'U' },
      text,
      entities: [{ type: 'bot_command', offset: 0, length: entityLength }],
    },
  } as Update
}

async function send(text: string, from: number, chat?: { id: number; type: 'private' | 'supergroup' }) {
  calls = []
  await createTestBot().handleUpdate(command(text, from, chat))
  const texts = calls.filter((c) => c.method === 'sendMessage').map((c) => c.payload.text as string)
  const photos = calls.filter((c) => c.method === 'sendPhoto').map((c) => c.payload.photo as InputFile)
  return { texts, photos }
}

async function pngBytes(file: InputFile): Promise<Buffer> {
  const data = await file.toRaw()
  if (!(data instanceof Uint8Array)) throw new Error('expected an in-memory PNG')
  return Buffer.from(data)
}

describe('/channelstats', () => {
  it('in a group, tells to use it in a private chat and asks Telegram nothing', async () => {
    const { texts, photos } = await send('/channelstats @fruit_news', ADMIN, { id: -100999, type: 'supergroup' })
    expect(texts).toEqual(['Channel statistics are for admins only: send /channelstats to me in a private chat.'])
    expect(photos).toEqual([])
    expect(calls.map((c) => c.method)).toEqual(['sendMessage'])
  })

  it('explains the usage without an argument, and names a bad argument', async () => {
    expect((await send('/channelstats', ADMIN)).texts[0]).toMatch(/^Usage: \/channelstats @channel/)
    expect((await send('/channelstats t.me/+invite', ADMIN)).texts[0]).toMatch(/^“t.me\/\+invite” is an invite link/)
  })

  it('shows the latest overview and a chart to an admin Telegram confirms live', async () => {
    chatMember = (chatId, userId) => (chatId === CHANNEL && userId === ADMIN ? { status: 'administrator' } : { status: 'member' })
    const { texts, photos } = await send('/channelstats @Fruit_News', ADMIN)
    expect(calls.find((c) => c.method === 'getChatMember')?.payload).toMatchObject({ chat_id: CHANNEL, user_id: ADMIN })
    const text = texts[0]!
    // The newest load (2024-05-10), not the day before: 1000 vs 900 is +100, +11.1%.
    expect(text).toContain(`Followers: 1,000 (+${1000 - 900}, +${((100 / 900) * 100).toFixed(1)}%)`)
    expect(text).toContain(`Views per post: 250.5 (+${250.5 - 240.25}, +${((10.25 / 240.25) * 100).toFixed(1)}%)`)
    expect(text).toContain(`Notifications on: ${((420 / 1000) * 100).toFixed(1)}% of followers`)
    expect(text).toContain('10 Apr 2024 – 9 May 2024')
    expect(text).toContain('Admin rights checked with Telegram just now.')
    expect(photos).toHaveLength(1)
    const png = await pngBytes(photos[0]!)
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(800)
  })

  it('refuses someone Telegram says is not an admin, even if an old list says otherwise', async () => {
    chatMember = () => ({ status: 'member' })
    const { texts, photos } = await send('/channelstats @fruit_news', ADMIN)
    expect(texts[0]).toMatch(/^I can’t confirm that you are an admin of @fruit_news/)
    expect(photos).toEqual([])
  })

  it('falls back to the stats-loader admin list when the bot cannot see the chat, and says so', async () => {
    const { texts, photos } = await send('/channelstats -1001700000001', ADMIN)
    expect(texts[0]).toContain('Followers: 1,000')
    // Fetched 06:00, asked 12:00.
    expect(texts[0]).toContain('admin list the stats-loader fetched 6 h ago')
    expect(photos).toHaveLength(1)
  })

  it('refuses a user missing from the admin list when the bot cannot see the chat', async () => {
    const { texts, photos } = await send('/channelstats @fruit_news', STRANGER)
    expect(texts[0]).toMatch(/^I can’t confirm that you are an admin/)
    expect(photos).toEqual([])
  })

  it('refuses when the stored admin list is too old', async () => {
    // The supergroup's list was fetched nine days before NOW.
    const { texts } = await send('/channelstats @fruit_chat', ADMIN)
    expect(texts[0]).toMatch(/^I can’t confirm that you are an admin/)
  })

  it('refuses for a channel nothing is known about, so a stranger learns nothing', async () => {
    const { texts } = await send('/channelstats @unknown_channel', STRANGER)
    expect(texts[0]).toMatch(/^I can’t confirm that you are an admin of @unknown_channel/)
  })

  it('tells a confirmed admin when nothing has been loaded for the channel', async () => {
    chatMember = () => ({ status: 'creator' })
    const { texts, photos } = await send('/channelstats @unknown_channel', ADMIN)
    expect(texts[0]).toMatch(/^No Telegram statistics have been loaded for @unknown_channel/)
    expect(photos).toEqual([])
  })

  it('shows members and messages for a supergroup', async () => {
    chatMember = () => ({ status: 'administrator' })
    const { texts, photos } = await send('/channelstats t.me/fruit_chat', ADMIN)
    expect(texts[0]).toContain(`Members: 5,400 (+${5400 - 5100}, +${((300 / 5100) * 100).toFixed(1)}%)`)
    expect(texts[0]).toContain(`Messages: 12,000 (−1,000, −${((1000 / 13000) * 100).toFixed(1)}%)`)
    expect(photos).toHaveLength(1)
  })
})
