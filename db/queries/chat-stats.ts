import type { Sql } from 'postgres'
import type { ChatSettings, DayRange, PeriodTotals, StatsFigures, TopResult } from './chat-stats-contract.ts'
import { familyCte, memoKey, prepareRange, type RangeParts, senderDaysOfFamily } from './range-memo.ts'

export type * from './chat-stats-contract.ts'


export async function getChatSettings(sql: Sql, chatId: number): Promise<ChatSettings> {
  const [row] = await sql<{ time_zone: string | null; commands_access: string | null; title: string | null; first_day: string | null }[]>`
    ${familyCte(sql, chatId)}
    SELECT c.time_zone, c.commands_access, c.title,
      (SELECT min(d.day)::text FROM family f,
         LATERAL (SELECT day FROM chat_activity_day WHERE chat_id = f.chat_id ORDER BY day LIMIT 1) d) AS first_day
    FROM (SELECT 1) one LEFT JOIN chats c ON c.chat_id = ${chatId}::int8`
  return {
    timeZone: row?.time_zone ?? 'UTC',
    commandsAccess: row?.commands_access === 'admins' ? 'admins' : 'everyone',
    firstDay: row?.first_day ?? null,
    title: row?.title ?? null,
  }
}

/**
 * Totals and days of a period and of the one before, from one scan of the day rollup covering
 * both and the memos of their closed parts: what /stats needs, in one query after the memos.
 */
export async function getStatsFigures(sql: Sql, chatId: number, range: DayRange, previous?: DayRange): Promise<StatsFigures> {
  const [parts, previousParts] = await Promise.all([
    prepareRange(sql, chatId, range),
    previous ? prepareRange(sql, chatId, previous) : undefined,
  ])
  const from = previous && previous.from < range.from ? previous.from : range.from
  const to = previous && previous.to > range.to ? previous.to : range.to
  const [row] = await sql<{ days: [string, number, number, number, number][]; active: number; previous_active: number | null }[]>`
    ${familyCte(sql, chatId)},
    days AS (
      SELECT day, sum(messages)::int AS messages, sum(reactions)::int AS reactions, sum(joins)::int AS joins, sum(leaves)::int AS leaves
      FROM chat_activity_day WHERE chat_id IN (SELECT chat_id FROM family) AND day BETWEEN ${from}::date AND ${to}::date
      GROUP BY day
    )
    SELECT (SELECT coalesce(json_agg(json_build_array(day, messages, reactions, joins, leaves)), '[]') FROM days) AS days,
      ${activeSenders(sql, chatId, parts)} AS active,
      ${previousParts ? activeSenders(sql, chatId, previousParts) : sql`NULL::int`} AS previous_active`
  const days = row!.days
  const figures = (r: DayRange, activeUsers: number) => {
    const inRange = days.filter(([day]) => day >= r.from && day <= r.to)
    const totals: PeriodTotals = { messages: 0, activeUsers, joins: 0, leaves: 0, reactions: 0, busiestDay: null }
    for (const [day, messages, reactions, joins, leaves] of inRange) {
      totals.messages += messages
      totals.reactions += reactions
      totals.joins += joins
      totals.leaves += leaves
      // The most messages; of equal days, the earliest.
      const best = totals.busiestDay
      if (messages > 0 && (!best || messages > best.messages || (messages === best.messages && day < best.day))) totals.busiestDay = { day, messages }
    }
    const byDay = new Map(inRange.map(([day, messages]) => [day, messages]))
    return { totals, daily: eachDay(r.from, r.to).map((day) => ({ day, messages: byDay.get(day) ?? 0 })) }
  }
  const current = figures(range, row!.active)
  return previous ? { ...current, previous: figures(previous, row!.previous_active ?? 0) } : current
}

/** Distinct senders of the range: the closed part's memo plus today's senders not already in it. */
function activeSenders(sql: Sql, chatId: number, parts: RangeParts) {
  return sql`(coalesce((SELECT active_users FROM range_memo WHERE ${memoKey(sql, chatId, parts.closed)}), 0)
      + (SELECT count(DISTINCT t.sender_id) FROM sender_day t
         WHERE ${parts.today ? sql`${senderDaysOfFamily(sql, 't')} AND t.day = ${parts.today}::date AND t.messages > 0` : sql`false`}
           AND NOT EXISTS (SELECT 1 FROM range_memo_senders m WHERE ${memoKey(sql, chatId, parts.closed)} AND m.sender_id = t.sender_id AND m.messages > 0)
        ))::int`
}

const MS_PER_DAY = 86_400_000

/** Every calendar day from `from` to `to` ('YYYY-MM-DD'), both included. */
function eachDay(from: string, to: string): string[] {
  const days: string[] = []
  const end = Date.parse(`${to}T00:00:00Z`)
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += MS_PER_DAY) days.push(new Date(t).toISOString().slice(0, 10))
  return days
}

/** 7 rows (Monday first) × 24 local hours of message counts. */
export async function getHeatmap(sql: Sql, chatId: number, range: DayRange): Promise<number[][]> {
  const rows = await sql<{ dow: number; hour: number; messages: number }[]>`
    ${familyCte(sql, chatId)}
    SELECT extract(isodow FROM local_hour)::int AS dow, extract(hour FROM local_hour)::int AS hour, sum(messages)::int AS messages
    FROM chat_activity_hour
    WHERE chat_id IN (SELECT chat_id FROM family)
      AND local_hour >= ${range.from}::date::timestamp AND local_hour < (${range.to}::date + 1)::timestamp
    GROUP BY 1, 2`
  const cells = Array.from({ length: 7 }, () => new Array<number>(24).fill(0))
  for (const r of rows) cells[r.dow - 1]![r.hour] = r.messages
  return cells
}

/**
 * Exact top senders: the closed part's memo merged with today's rows. A sender neither in the
 * memo's top `limit` nor active today cannot overtake those top ones, so these candidates suffice.
 */
export async function getTopSenders(
  sql: Sql, chatId: number, range: DayRange, by: 'messages' | 'reactions', limit = 10,
): Promise<TopResult> {
  const parts = await prepareRange(sql, chatId, range)
  const measure = by === 'messages' ? sql`messages` : sql`reactions_received`
  const memoTotal = by === 'messages' ? sql`messages_total` : sql`reactions_total`
  const rows = await sql<{ sender_id: string; count: number; total: number; name: string | null; username: string | null }[]>`
    ${familyCte(sql, chatId)},
    today AS (
      SELECT sender_id, sum(${measure})::int AS count FROM sender_day t
      WHERE ${parts.today ? sql`${senderDaysOfFamily(sql, 't')} AND day = ${parts.today}::date` : sql`false`}
      GROUP BY sender_id
    ), closed_top AS (
      SELECT sender_id FROM range_memo_senders WHERE ${memoKey(sql, chatId, parts.closed)}
      ORDER BY ${measure} DESC NULLS LAST, sender_id LIMIT ${limit}
    ), candidates AS (
      SELECT sender_id FROM closed_top UNION SELECT sender_id FROM today
    ), totals AS (
      SELECT c.sender_id,
        coalesce((SELECT m.${measure} FROM range_memo_senders m WHERE ${memoKey(sql, chatId, parts.closed)} AND m.sender_id = c.sender_id), 0)
          + coalesce(t.count, 0) AS count
      FROM candidates c LEFT JOIN today t USING (sender_id)
    ), top AS (
      SELECT sender_id, count FROM totals WHERE count > 0 ORDER BY count DESC, sender_id LIMIT ${limit}
    )
    SELECT t.sender_id, t.count::int,
      (coalesce((SELECT ${memoTotal} FROM range_memo WHERE ${memoKey(sql, chatId, parts.closed)}), 0)
        + coalesce((SELECT sum(count) FROM today), 0))::int AS total,
      CASE WHEN t.sender_id > 0 THEN concat_ws(' ', u.first_name, u.last_name) ELSE c.title END AS name,
      CASE WHEN t.sender_id > 0 THEN u.username ELSE c.username END AS username
    FROM top t
    LEFT JOIN users u ON u.user_id = t.sender_id
    LEFT JOIN chats c ON c.chat_id = t.sender_id
    ORDER BY t.count DESC, t.sender_id`
  const total = rows[0]?.total ?? 0
  return {
    total,
    entries: rows.map((r) => {
      const senderId = Number(r.sender_id)
      return {
        senderId,
        name: r.name && r.name.length > 0 ? r.name : senderId > 0 ? 'Deleted account' : 'Hidden chat',
        username: r.username,
        isChat: senderId < 0,
        count: r.count,
      }
    }),
  }
}

/** Messages the chat (with the groups it was upgraded from) has on record. */
export async function getMessageCount(sql: Sql, chatId: number): Promise<number> {
  const [row] = await sql<{ messages: string }[]>`
    ${familyCte(sql, chatId)}
    SELECT coalesce(sum(messages), 0)::text AS messages FROM chat_activity_day WHERE chat_id IN (SELECT chat_id FROM family)`
  return Number(row?.messages ?? 0)
}

export async function setCommandsAccess(sql: Sql, chatId: number, access: 'everyone' | 'admins'): Promise<void> {
  await sql`UPDATE chats SET commands_access = ${access}, updated_at = now() WHERE chat_id = ${chatId}::int8`
}

export { setChatTimeZone } from './set-chat-time-zone.ts'
