import type { Sql } from 'postgres'
import type { ChatStatsQueries } from '../../bot/answers/answer-deps.ts'
import type { DayCount, DayRange, PeriodTotals } from '../../db/queries/chat-stats-contract.ts'
import * as rollups from '../../db/queries/chat-stats.ts'

// The same answers computed straight from the raw tables, as a bot without rollups would:
// the baseline the benchmark compares with, and a cross-check of the rollups' figures.
const zoneOf = async (sql: Sql, chatId: number) =>
  (await sql<{ time_zone: string }[]>`SELECT time_zone FROM chats WHERE chat_id = ${chatId}`)[0]?.time_zone ?? 'UTC'

const localDay = (sql: Sql, column: string, zone: string) => sql.unsafe(`((${column}) AT TIME ZONE '${zone.replace(/'/g, "''")}')::date`)

async function rawPeriodTotals(sql: Sql, chatId: number, range: DayRange): Promise<PeriodTotals> {
  const zone = await zoneOf(sql, chatId)
  const day = localDay(sql, 'date', zone)
  const inRange = sql`${day} BETWEEN ${range.from}::date AND ${range.to}::date`
  const [row] = await sql<{ messages: number; active: number; reactions: number; joins: number; leaves: number }[]>`
    SELECT (SELECT count(*)::int FROM messages WHERE chat_id = ${chatId} AND ${inRange}) AS messages,
      (SELECT count(DISTINCT sender_id)::int FROM messages WHERE chat_id = ${chatId} AND ${inRange}) AS active,
      (SELECT coalesce(sum(added), 0)::int FROM reaction_events WHERE chat_id = ${chatId} AND ${inRange}) AS reactions,
      (SELECT count(*) FILTER (WHERE direction = 1)::int FROM member_events WHERE chat_id = ${chatId} AND ${inRange}) AS joins,
      (SELECT count(*) FILTER (WHERE direction = -1)::int FROM member_events WHERE chat_id = ${chatId} AND ${inRange}) AS leaves`
  const [busiest] = await sql<{ day: string; n: number }[]>`
    SELECT ${day}::text AS day, count(*)::int AS n FROM messages WHERE chat_id = ${chatId} AND ${inRange}
    GROUP BY 1 ORDER BY n DESC, day LIMIT 1`
  return {
    messages: row!.messages, activeUsers: row!.active, reactions: row!.reactions, joins: row!.joins, leaves: row!.leaves,
    busiestDay: busiest ? { day: busiest.day, messages: busiest.n } : null,
  }
}

async function rawDailyMessages(sql: Sql, chatId: number, range: DayRange): Promise<DayCount[]> {
  const zone = await zoneOf(sql, chatId)
  const day = localDay(sql, 'date', zone)
  const rows = await sql<{ day: string; n: number }[]>`
    SELECT g::date::text AS day, coalesce(c.n, 0)::int AS n
    FROM generate_series(${range.from}::date, ${range.to}::date, interval '1 day') g
    LEFT JOIN (SELECT ${day} AS day, count(*) AS n FROM messages
               WHERE chat_id = ${chatId} AND ${day} BETWEEN ${range.from}::date AND ${range.to}::date GROUP BY 1) c ON c.day = g::date
    ORDER BY g`
  return rows.map((r) => ({ day: r.day, messages: r.n }))
}

export const rawQueries: ChatStatsQueries = {
  ...rollups,
  async getStatsFigures(sql, chatId, range, previous) {
    const figures = async (r: DayRange) => ({ totals: await rawPeriodTotals(sql, chatId, r), daily: await rawDailyMessages(sql, chatId, r) })
    const [current, before] = await Promise.all([figures(range), previous && figures(previous)])
    return before ? { ...current, previous: before } : current
  },
  async getHeatmap(sql, chatId, range) {
    const zone = await zoneOf(sql, chatId)
    const local = sql.unsafe(`(date AT TIME ZONE '${zone.replace(/'/g, "''")}')`)
    const rows = await sql<{ dow: number; hour: number; n: number }[]>`
      SELECT extract(isodow FROM ${local})::int AS dow, extract(hour FROM ${local})::int AS hour, count(*)::int AS n
      FROM messages WHERE chat_id = ${chatId} AND ${local}::date BETWEEN ${range.from}::date AND ${range.to}::date GROUP BY 1, 2`
    const cells = Array.from({ length: 7 }, () => new Array<number>(24).fill(0))
    for (const r of rows) cells[r.dow - 1]![r.hour] = r.n
    return cells
  },
  async getTopSenders(sql, chatId, range, by, limit = 10) {
    const zone = await zoneOf(sql, chatId)
    const rows = by === 'messages'
      ? await sql<{ sender_id: string; n: number; total: number }[]>`
          WITH per AS (SELECT sender_id, count(*)::int AS n FROM messages
                       WHERE chat_id = ${chatId} AND sender_id IS NOT NULL AND ${localDay(sql, 'date', zone)} BETWEEN ${range.from}::date AND ${range.to}::date
                       GROUP BY 1)
          SELECT sender_id, n, (SELECT sum(n)::int FROM per) AS total FROM per ORDER BY n DESC, sender_id LIMIT ${limit}`
      : await sql<{ sender_id: string; n: number; total: number }[]>`
          WITH per AS (SELECT m.sender_id, sum(r.added)::int AS n FROM reaction_events r
                       JOIN messages m ON m.chat_id = r.chat_id AND m.message_id = r.message_id
                       WHERE r.chat_id = ${chatId} AND m.sender_id IS NOT NULL AND ${localDay(sql, 'r.date', zone)} BETWEEN ${range.from}::date AND ${range.to}::date
                       GROUP BY 1)
          SELECT sender_id, n, (SELECT sum(n)::int FROM per) AS total FROM per ORDER BY n DESC, sender_id LIMIT ${limit}`
    const names = await sql<{ user_id: string; first_name: string; last_name: string | null; username: string | null }[]>`
      SELECT user_id, first_name, last_name, username FROM users WHERE user_id = ANY(${rows.map((r) => r.sender_id)}::int8[])`
    const byId = new Map(names.map((n) => [n.user_id, n]))
    return {
      total: rows[0]?.total ?? 0,
      entries: rows.map((r) => {
        const u = byId.get(r.sender_id)
        return {
          senderId: Number(r.sender_id), name: u ? [u.first_name, u.last_name].filter(Boolean).join(' ') : 'Deleted account',
          username: u?.username ?? null, isChat: Number(r.sender_id) < 0, count: r.n,
        }
      }),
    }
  },
}
