import pino from 'pino'
import { Bot, type Context } from 'grammy'
import type { Update, UserFromGetMe } from 'grammy/types'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createChannelStatsFeature } from '../../bot/features/channel-stats.ts'
import { dailyMetric } from '../../db/queries/channel-stats.ts'
import { createStatsClient } from '../../stats-loader/client.ts'
import { loadAllPeers } from '../../stats-loader/load-all-peers.ts'
import { parsePeerRef, type PeerRef } from '../../stats-loader/peer-ref.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { broadcastStats, FakeTelegram, fakeChannel, graphOf } from './support/fake-telegram.ts'
import { column, FIXTURES, fixtureChart, fixtureText } from './support/fixtures.ts'
import { dailyJson } from './support/synthetic-graphs.ts'

// The whole path: the loader stores what Telegram answers, then /channelstats shows it to an admin
// whom only the loader's admin list can vouch for (the bot is not in the channel).

const NOW = new Date('2024-05-10T06:00:00Z')
const ADMIN = 777
let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase('loader_to_bot')
  const fake = new FakeTelegram([
    {
      channel: fakeChannel({ id: 1_600_000_001, title: 'Orchard Daily', username: 'orchard_daily' }),
      canViewStats: true,
      admins: [{ userId: ADMIN }],
      stats: () =>
        broadcastStats(
          {
            growthGraph: graphOf(dailyJson('2024-05-07', { y0: [4000, 4010, 4025] }, { y0: 'Abonnenten' })),
            interactionsGraph: graphOf(fixtureText(FIXTURES.viewsShares)),
          },
          { followers: [4025, 3900] },
        ),
    },
  ])
  const client = createStatsClient(fake, { requestTimeoutMs: 1000, floodSleepMaxSeconds: 10, serverErrorRetries: 0, retryBaseMs: 1 })
  const ref = parsePeerRef('@orchard_daily') as PeerRef
  await loadAllPeers({ client, sql: db.sql, log: pino({ level: 'silent' }), peers: [ref], concurrency: 1, now: () => NOW })
})
afterAll(async () => {
  await db?.drop()
})

describe('stats-loader → /channelstats', () => {
  it('serves what the loader stored, to an admin from the loader’s admin list', async () => {
    const sent: { method: string; payload: Record<string, unknown> }[] = []
    const bot = new Bot<Context>('1:TEST', { botInfo: { id: 1, is_bot: true, first_name: 'B', username: 'b_bot' } as UserFromGetMe })
    bot.api.config.use(async (_prev, method, payload) => {
      sent.push({ method, payload: payload as Record<string, unknown> })
      if (method === 'getChatMember') return { ok: false, error_code: 400, description: 'Bad Request: chat not found' } as never
      return { ok: true, result: { message_id: 1, date: 0, chat: { id: ADMIN, type: 'private', first_name: 'A' } } } as never
    })
    bot.use(createChannelStatsFeature({ sql: db.sql, log: pino({ level: 'silent' }), now: () => new Date(NOW.getTime() + 2 * 3_600_000) }))
    await bot.handleUpdate({
      update_id: 1,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: ADMIN, type: 'private', first_name: 'A' },
        from: { id: ADMIN, is_bot: false, first_name: 'A' },
        text: '/channelstats https://t.me/orchard_daily',
        entities: [{ type: 'bot_command', offset: 0, length: 13 }],
      },
    } as Update)

    const text = sent.find((s) => s.method === 'sendMessage')?.payload.text as string
    expect(text).toContain(`Followers: 4,025 (+${4025 - 3900}`)
    expect(text).toContain('admin list the stats-loader fetched 2 h ago')
    expect(sent.filter((s) => s.method === 'sendPhoto')).toHaveLength(1)
    // The chart's series are the loader's rows: the growth line as given, the last 90 days of views.
    expect((await dailyMetric(db.sql, -1001600000001, 'growth_graph.y0', 90)).map((d) => d.value)).toEqual([4000, 4010, 4025])
    const views = await dailyMetric(db.sql, -1001600000001, 'interactions_graph.y0', 90)
    expect(views.map((d) => d.value)).toEqual(column(fixtureChart(FIXTURES.viewsShares), 'y0').slice(-90))
  })
})
