import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pino from 'pino'
import type { Update } from 'grammy/types'
import { BatchWriter } from '../../bot/ingest/batch-writer.ts'
import { mapUpdate } from '../../bot/ingest/map-update.ts'
import { warmRangeMemos } from '../../bot/jobs/warm-range-memos.ts'
import { getTopSenders } from '../../db/queries/chat-stats.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'

const CHAT = -1007700000001
let database: TestDatabase
const DAY = 86_400

beforeAll(async () => {
  database = await createTestDatabase('warm')
  const writer = new BatchWriter(database.sql, { maxRows: 500, maxDelayMs: 1, log: pino({ level: 'silent' }), botId: 1 })
  const now = Math.floor(Date.now() / 1000)
  // Two messages a day for the last 60 days, from five senders in turn.
  const updates = Array.from({ length: 120 }, (_, i) => ({
    update_id: i + 1,
    message: { message_id: i + 1, date: now - 60 * DAY + i * (DAY / 2), chat: { id: CHAT, type: 'supergroup', title: 'Warm' },
      from: { id: 300 + (i % 5), is_bot: false, first_name: `S${i % 5}` }, text: 'x' },
  }) as Update)
  await Promise.all(updates.map((u) => writer.add(mapUpdate(u, 1).rows!)))
  await writer.close()
})
afterAll(async () => {
  await database?.drop()
})

describe('warming the range memos', () => {
  it('builds the closed part of every standard period and its comparison, and reuses them', async () => {
    const log = pino({ level: 'silent' })
    await warmRangeMemos(database.sql, log)
    const [{ today } = { today: '' }] = await database.sql<{ today: string }[]>`SELECT (now() AT TIME ZONE 'UTC')::date::text AS today`
    const day = (n: number) => new Date(Date.parse(today) - n * DAY * 1000).toISOString().slice(0, 10)
    const memos = await database.sql<{ from_day: string; to_day: string; active_users: number }[]>`
      SELECT from_day::text, to_day::text, active_users FROM range_memo WHERE chat_id = ${CHAT} ORDER BY from_day, to_day`
    const keys = memos.map((m) => `${m.from_day}..${m.to_day}`)
    // Ranges written out by hand: 7d is today and the 6 days before; its closed part ends yesterday.
    for (const expected of [
      `${day(6)}..${day(1)}`, `${day(13)}..${day(7)}`,
      `${day(29)}..${day(1)}`, `${day(59)}..${day(30)}`,
      `${day(89)}..${day(1)}`, `${day(179)}..${day(90)}`,
      `${day(364)}..${day(1)}`, `${day(729)}..${day(365)}`,
    ]) expect(keys).toContain(expected)
    const thirty = memos.find((m) => m.from_day === day(29) && m.to_day === day(1))!
    const [raw] = await database.sql<{ n: number }[]>`
      SELECT count(DISTINCT sender_id)::int AS n FROM messages
      WHERE chat_id = ${CHAT} AND (date AT TIME ZONE 'UTC')::date BETWEEN ${day(29)}::date AND ${day(1)}::date`
    expect(thirty.active_users).toBe(raw!.n)

    const before = await database.sql`SELECT count(*)::int AS n, max(xmin::text) AS x FROM range_memo_senders`
    await getTopSenders(database.sql, CHAT, { from: day(29), to: today }, 'messages')
    expect(await database.sql`SELECT count(*)::int AS n, max(xmin::text) AS x FROM range_memo_senders`).toEqual(before)
  })
})
