import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pino from 'pino'
import type { Update } from 'grammy/types'
import { BatchWriter } from '../../bot/ingest/batch-writer.ts'
import { mapUpdate } from '../../bot/ingest/map-update.ts'
import {
  getHeatmap, getStatsFigures, getTopSenders, setChatTimeZone, type DayRange,
} from '../../db/queries/chat-stats.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { rng } from '../support/synthetic-updates.ts'

// Synthetic traffic for one chat over ~14 months, dense around the 2026 DST changes, then the
// query answers are compared with plain SQL over the raw tables in several zones.
const CHAT = -1009000000001
const OLD_GROUP = -900000001
let database: TestDatabase

const ts = (iso: string) => Math.floor(Date.parse(iso) / 1000)

function traffic(): Update[] {
  const random = rng(5)
  const updates: Update[] = []
  let id = 0
  let messageId = 0
  const start = ts('2025-09-01T00:00:00Z')
  const end = ts('2026-11-20T00:00:00Z')
  const user = (u: number) => ({ id: 500 + u, is_bot: false, first_name: `U${u} 🌍`, last_name: u % 3 ? 'العربية' : undefined })
  // The old group's history, before the upgrade to a supergroup.
  for (let i = 0; i < 40; i++) {
    updates.push({ update_id: ++id, message: { message_id: i + 1, date: start - 86_400 + i * 600, chat: { id: OLD_GROUP, type: 'group', title: 'Old' }, from: user(i % 5), text: 'old' } } as Update)
  }
  updates.push({ update_id: ++id, message: { message_id: 41, date: start - 3600, chat: { id: OLD_GROUP, type: 'group', title: 'Old' }, from: user(1), migrate_to_chat_id: CHAT } } as Update)
  for (let i = 0; i < 6000; i++) {
    // Half the traffic in the weeks around 2026-03-29 (EU spring) and 2026-10-25 (EU autumn).
    const r = random()
    const date = r < 0.25 ? ts('2026-03-27T00:00:00Z') + Math.floor(random() * 4 * 86_400)
      : r < 0.5 ? ts('2026-10-23T00:00:00Z') + Math.floor(random() * 4 * 86_400)
      : start + Math.floor(random() * (end - start))
    const u = Math.floor(random() ** 2 * 40)
    const mid = ++messageId
    updates.push({ update_id: ++id, message: { message_id: mid, date, chat: { id: CHAT, type: 'supergroup', title: 'Q' }, from: user(u), text: 'x' } } as Update)
    if (random() < 0.2) {
      updates.push({ update_id: ++id, message_reaction: { chat: { id: CHAT, type: 'supergroup', title: 'Q' }, message_id: mid, date: date + 30,
        user: user((u + 1) % 40), old_reaction: [], new_reaction: [{ type: 'emoji', emoji: '👍' }, { type: 'emoji', emoji: '🔥' }] } } as Update)
    }
    if (random() < 0.05) {
      const m = user(100 + (i % 50))
      const joining = random() < 0.6
      updates.push({ update_id: ++id, chat_member: { chat: { id: CHAT, type: 'supergroup', title: 'Q' }, from: m, date,
        old_chat_member: { status: joining ? 'left' : 'member', user: m }, new_chat_member: { status: joining ? 'member' : 'left', user: m } } } as Update)
    }
  }
  return updates
}

beforeAll(async () => {
  database = await createTestDatabase('queries')
  const writer = new BatchWriter(database.sql, { maxRows: 700, maxDelayMs: 1, log: pino({ level: 'silent' }), botId: 1 })
  await Promise.all(traffic().map((u) => writer.add(mapUpdate(u, 1).rows!)))
  await writer.close()
})
afterAll(async () => {
  await database?.drop()
})

async function raw(zone: string, range: DayRange) {
  const sql = database.sql
  const ids = [CHAT, OLD_GROUP]
  const local = (col: string) => sql.unsafe(`(${col} AT TIME ZONE '${zone}')`)
  const inRange = (col: string) => sql`${local(col)}::date BETWEEN ${range.from}::date AND ${range.to}::date`
  const [totals] = await sql<{ messages: number; senders: number; reactions: number; joins: number; leaves: number }[]>`
    SELECT (SELECT count(*)::int FROM messages WHERE chat_id = ANY(${ids}) AND ${inRange('date')}) AS messages,
      (SELECT count(DISTINCT sender_id)::int FROM messages WHERE chat_id = ANY(${ids}) AND ${inRange('date')}) AS senders,
      (SELECT coalesce(sum(added), 0)::int FROM reaction_events WHERE chat_id = ANY(${ids}) AND ${inRange('date')}) AS reactions,
      (SELECT count(*)::int FROM member_events WHERE chat_id = ANY(${ids}) AND direction = 1 AND ${inRange('date')}) AS joins,
      (SELECT count(*)::int FROM member_events WHERE chat_id = ANY(${ids}) AND direction = -1 AND ${inRange('date')}) AS leaves`
  const days = await sql<{ day: string; n: number }[]>`
    SELECT ${local('date')}::date::text AS day, count(*)::int AS n FROM messages
    WHERE chat_id = ANY(${ids}) AND ${inRange('date')} GROUP BY 1 ORDER BY n DESC, day`
  const cells = await sql<{ dow: number; hour: number; n: number }[]>`
    SELECT extract(isodow FROM ${local('date')})::int AS dow, extract(hour FROM ${local('date')})::int AS hour, count(*)::int AS n
    FROM messages WHERE chat_id = ANY(${ids}) AND ${inRange('date')} GROUP BY 1, 2`
  const top = await sql<{ sender_id: string; n: number }[]>`
    SELECT sender_id, count(*)::int AS n FROM messages WHERE chat_id = ANY(${ids}) AND ${inRange('date')}
    GROUP BY 1 ORDER BY n DESC, sender_id LIMIT 10`
  const topReactions = await sql<{ sender_id: string; n: number }[]>`
    SELECT m.sender_id, sum(r.added)::int AS n FROM reaction_events r JOIN messages m USING (chat_id, message_id)
    WHERE r.chat_id = ANY(${ids}) AND ${inRange('r.date')} GROUP BY 1 ORDER BY n DESC, m.sender_id LIMIT 10`
  const heatmap = Array.from({ length: 7 }, () => new Array<number>(24).fill(0))
  for (const c of cells) heatmap[c.dow - 1]![c.hour] = c.n
  return { totals: totals!, days, heatmap, top, topReactions }
}

const ranges: DayRange[] = [
  { from: '2026-03-29', to: '2026-03-29' }, // 23-hour day in Berlin
  { from: '2026-10-25', to: '2026-10-25' }, // 25-hour day in Berlin
  { from: '2026-03-23', to: '2026-04-05' },
  { from: '2026-10-01', to: '2026-10-31' },
  { from: '2025-08-01', to: '2026-11-22' }, // everything, including the old group's days
  { from: '2026-01-01', to: '2026-11-22' }, // open-ended: nothing recorded after it
]

describe.each(['UTC', 'Europe/Berlin', 'Asia/Kathmandu', 'Australia/Adelaide', 'America/New_York'])('in %s', (zone) => {
  beforeAll(async () => {
    await (await setChatTimeZone(database.sql, CHAT, zone)).cleanedUp
  })

  it.each(ranges)('answers $from..$to as the raw rows do', async (range) => {
    const expected = await raw(zone, range)
    const { totals, daily, previous } = await getStatsFigures(database.sql, CHAT, range)
    expect(previous).toBeUndefined()
    expect({ ...totals, busiestDay: undefined }).toEqual({
      messages: expected.totals.messages, activeUsers: expected.totals.senders, reactions: expected.totals.reactions,
      joins: expected.totals.joins, leaves: expected.totals.leaves, busiestDay: undefined,
    })
    expect(totals.busiestDay).toEqual(expected.days[0] ? { day: expected.days[0].day, messages: expected.days[0].n } : null)
    const byDay = new Map(expected.days.map((d) => [d.day, d.n]))
    expect(daily.filter((d) => d.messages > 0).map((d) => [d.day, d.messages]).sort()).toEqual([...byDay.entries()].sort())
    expect(await getHeatmap(database.sql, CHAT, range)).toEqual(expected.heatmap)
    const top = await getTopSenders(database.sql, CHAT, range, 'messages')
    expect(top.entries.map((e) => [e.senderId, e.count])).toEqual(expected.top.map((t) => [Number(t.sender_id), t.n]))
    expect(top.total).toBe(expected.totals.messages)
    const topR = await getTopSenders(database.sql, CHAT, range, 'reactions')
    expect(topR.entries.map((e) => [e.senderId, e.count])).toEqual(expected.topReactions.map((t) => [Number(t.sender_id), t.n]))
  })

  it.each(ranges)('gives /stats for $from..$to and the period before it as the raw rows do', async (range) => {
    const length = (Date.parse(range.to) - Date.parse(range.from)) / 86_400_000 + 1
    const day = (iso: string, shift: number) => new Date(Date.parse(iso) + shift * 86_400_000).toISOString().slice(0, 10)
    const previous = { from: day(range.from, -length), to: day(range.from, -1) }
    const figures = await getStatsFigures(database.sql, CHAT, range, previous)
    for (const [r, got] of [[range, figures], [previous, figures.previous!]] as const) {
      const expected = await raw(zone, r)
      expect(got.totals).toEqual({
        messages: expected.totals.messages, activeUsers: expected.totals.senders, reactions: expected.totals.reactions,
        joins: expected.totals.joins, leaves: expected.totals.leaves,
        busiestDay: expected.days[0] ? { day: expected.days[0].day, messages: expected.days[0].n } : null,
      })
      expect(got.daily.length).toBe((Date.parse(r.to) - Date.parse(r.from)) / 86_400_000 + 1)
      expect(got.daily.filter((d) => d.messages > 0).map((d) => [d.day, d.messages]).sort()).toEqual(expected.days.map((d) => [d.day, d.n]).sort())
    }
  })
})

describe('the 23- and 25-hour days', () => {
  it('has 23 and 25 distinct local hours of buckets in Berlin', async () => {
    await (await setChatTimeZone(database.sql, CHAT, 'Europe/Berlin')).cleanedUp
    const hours = await database.sql<{ day: string; n: number }[]>`
      SELECT d::date::text AS day,
        extract(epoch FROM ((d::date + 1)::timestamp AT TIME ZONE 'Europe/Berlin') - (d::date::timestamp AT TIME ZONE 'Europe/Berlin'))::int / 3600 AS n
      FROM unnest(ARRAY['2026-03-29', '2026-10-25']::date[]) d`
    expect(hours.map((h) => h.n)).toEqual([23, 25])
  })
})

describe('rebuilding every rollup from the raw rows', () => {
  it('gives the same rollups the ingest batches kept', async () => {
    const { rebuildRollupsFromRaw } = await import('../../db/queries/rebuild-rollups.ts')
    const snapshot = async () => {
      const sql = database.sql
      return {
        q15: await sql`SELECT * FROM chat_activity_15m WHERE messages + reactions + joins + leaves <> 0 ORDER BY chat_id, bucket`,
        hour: await sql`SELECT * FROM chat_activity_hour WHERE messages + reactions + joins + leaves <> 0 ORDER BY chat_id, local_hour`,
        day: await sql`SELECT * FROM chat_activity_day WHERE messages + reactions + joins + leaves <> 0 ORDER BY chat_id, day`,
        senderDay: await sql`SELECT * FROM sender_day ORDER BY chat_id, day, sender_id`,
      }
    }
    await (await setChatTimeZone(database.sql, CHAT, 'Asia/Kolkata')).cleanedUp
    const before = await snapshot()
    expect(before.senderDay.length).toBeGreaterThan(100)
    await database.sql.begin((tx) => rebuildRollupsFromRaw(tx, [CHAT, OLD_GROUP], 'postgres'))
    expect(await snapshot()).toEqual(before)
  })
})

describe('memos of closed ranges', () => {
  it('notice data arriving late for a day that is over', async () => {
    await (await setChatTimeZone(database.sql, CHAT, 'UTC')).cleanedUp
    const range = { from: '2026-10-01', to: '2026-10-31' }
    const before = await getTopSenders(database.sql, CHAT, range, 'messages')
    const totalsBefore = (await getStatsFigures(database.sql, CHAT, range)).totals
    // A new sender writes 400 messages dated inside the range (say, delivered after an outage).
    const writer = new BatchWriter(database.sql, { maxRows: 100, maxDelayMs: 1, log: pino({ level: 'silent' }), botId: 1 })
    const late = Array.from({ length: 400 }, (_, i) => ({ update_id: 900_000 + i, message: {
      message_id: 800_000 + i, date: ts('2026-10-15T12:00:00Z') + i * 60, chat: { id: CHAT, type: 'supergroup', title: 'Q' },
      from: { id: 99_999, is_bot: false, first_name: 'Late' }, text: 'late' } } as Update))
    await Promise.all(late.map((u) => writer.add(mapUpdate(u, 1).rows!)))
    await writer.close()
    const expected = await raw('UTC', range)
    const after = await getTopSenders(database.sql, CHAT, range, 'messages')
    expect(after.entries.map((e) => [e.senderId, e.count])).toEqual(expected.top.map((t) => [Number(t.sender_id), t.n]))
    expect(after.entries[0]).toMatchObject({ senderId: 99_999, count: 400 })
    expect(before.entries.some((e) => e.senderId === 99_999)).toBe(false)
    const totalsAfter = (await getStatsFigures(database.sql, CHAT, range)).totals
    expect(totalsAfter.activeUsers).toBe(totalsBefore.activeUsers + 1)
    expect(totalsAfter.activeUsers).toBe(expected.totals.senders)
  })
})
