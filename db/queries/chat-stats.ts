import type { Sql } from 'postgres'
import type { ChatSettings, DayCount, DayRange, PeriodTotals, TopResult } from './chat-stats-contract.ts'

export type * from './chat-stats-contract.ts'

// The chat and, after a group→supergroup upgrade, the groups it was upgraded from.
const family = (sql: Sql, chatId: number) => sql`
  WITH RECURSIVE family AS (
    SELECT ${chatId}::int8 AS chat_id
    UNION SELECT m.from_chat_id FROM chat_migrations m JOIN family f ON m.to_chat_id = f.chat_id
  )`

export async function getChatSettings(sql: Sql, chatId: number): Promise<ChatSettings> {
  const [row] = await sql<{ time_zone: string | null; commands_access: string | null; title: string | null; first_day: string | null }[]>`
    ${family(sql, chatId)}
    SELECT c.time_zone, c.commands_access, c.title,
      (SELECT min(d.day)::text FROM chat_activity_day d WHERE d.chat_id IN (SELECT chat_id FROM family)) AS first_day
    FROM (SELECT 1) one LEFT JOIN chats c ON c.chat_id = ${chatId}`
  return {
    timeZone: row?.time_zone ?? 'UTC',
    commandsAccess: row?.commands_access === 'admins' ? 'admins' : 'everyone',
    firstDay: row?.first_day ?? null,
    title: row?.title ?? null,
  }
}

export async function getPeriodTotals(sql: Sql, chatId: number, range: DayRange): Promise<PeriodTotals> {
  const [row] = await sql<{
    messages: number; reactions: number; joins: number; leaves: number; busiest_day: string | null
    busiest_messages: number | null; active_users: number
  }[]>`
    ${family(sql, chatId)},
    days AS (
      SELECT day, sum(messages)::int AS messages, sum(reactions)::int AS reactions, sum(joins)::int AS joins, sum(leaves)::int AS leaves
      FROM chat_activity_day WHERE chat_id IN (SELECT chat_id FROM family) AND day BETWEEN ${range.from}::date AND ${range.to}::date
      GROUP BY day
    ), busiest AS (
      SELECT day, messages FROM days WHERE messages > 0 ORDER BY messages DESC, day LIMIT 1
    ), open_ended AS (
      -- Nothing recorded after the range: "active since the first day" is then exact and cheap.
      SELECT NOT EXISTS (SELECT 1 FROM chat_activity_day WHERE chat_id IN (SELECT chat_id FROM family) AND day > ${range.to}::date AND messages > 0) AS yes
    )
    SELECT coalesce(sum(messages), 0)::int AS messages, coalesce(sum(reactions), 0)::int AS reactions,
      coalesce(sum(joins), 0)::int AS joins, coalesce(sum(leaves), 0)::int AS leaves,
      (SELECT day::text FROM busiest) AS busiest_day, (SELECT messages FROM busiest) AS busiest_messages,
      CASE WHEN (SELECT yes FROM open_ended)
        THEN (SELECT count(DISTINCT sender_id)::int FROM sender_total
              WHERE chat_id IN (SELECT chat_id FROM family) AND last_day >= ${range.from}::date)
        ELSE (SELECT count(DISTINCT sender_id)::int FROM sender_day
              WHERE chat_id IN (SELECT chat_id FROM family) AND day BETWEEN ${range.from}::date AND ${range.to}::date AND messages > 0)
      END AS active_users
    FROM days`
  return {
    messages: row?.messages ?? 0,
    activeUsers: row?.active_users ?? 0,
    joins: row?.joins ?? 0,
    leaves: row?.leaves ?? 0,
    reactions: row?.reactions ?? 0,
    busiestDay: row?.busiest_day ? { day: row.busiest_day, messages: row.busiest_messages ?? 0 } : null,
  }
}

export async function getDailyMessages(sql: Sql, chatId: number, range: DayRange): Promise<DayCount[]> {
  const rows = await sql<{ day: string; messages: number }[]>`
    ${family(sql, chatId)},
    days AS (
      SELECT day, sum(messages)::int AS messages FROM chat_activity_day
      WHERE chat_id IN (SELECT chat_id FROM family) AND day BETWEEN ${range.from}::date AND ${range.to}::date GROUP BY day
    )
    SELECT g.day::date::text AS day, coalesce(d.messages, 0) AS messages
    FROM generate_series(${range.from}::date, ${range.to}::date, interval '1 day') AS g(day)
    LEFT JOIN days d ON d.day = g.day::date
    ORDER BY g.day`
  return rows.map((r) => ({ day: r.day, messages: r.messages }))
}

/** 7 rows (Monday first) × 24 local hours of message counts. */
export async function getHeatmap(sql: Sql, chatId: number, range: DayRange): Promise<number[][]> {
  const rows = await sql<{ dow: number; hour: number; messages: number }[]>`
    ${family(sql, chatId)}
    SELECT extract(isodow FROM local_hour)::int AS dow, extract(hour FROM local_hour)::int AS hour, sum(messages)::int AS messages
    FROM chat_activity_hour
    WHERE chat_id IN (SELECT chat_id FROM family)
      AND local_hour >= ${range.from}::date::timestamp AND local_hour < (${range.to}::date + 1)::timestamp
    GROUP BY 1, 2`
  const cells = Array.from({ length: 7 }, () => new Array<number>(24).fill(0))
  for (const r of rows) cells[r.dow - 1]![r.hour] = r.messages
  return cells
}

export async function getTopSenders(
  sql: Sql, chatId: number, range: DayRange, by: 'messages' | 'reactions', limit = 10,
): Promise<TopResult> {
  const measure = by === 'messages' ? sql`messages` : sql`reactions_received`
  const rows = await sql<{ sender_id: string; count: number; total: number; name: string | null; username: string | null }[]>`
    ${family(sql, chatId)},
    bounds AS (
      SELECT min(day) AS first, max(day) AS last FROM chat_activity_day WHERE chat_id IN (SELECT chat_id FROM family)
    ), per_sender AS (
      -- A range that covers everything recorded reads the all-time totals instead of every day.
      SELECT sender_id, sum(${measure})::int AS count FROM sender_total
      WHERE chat_id IN (SELECT chat_id FROM family)
        AND (SELECT first >= ${range.from}::date AND last <= ${range.to}::date FROM bounds)
      GROUP BY sender_id
      UNION ALL
      SELECT sender_id, sum(${measure})::int FROM sender_day
      WHERE chat_id IN (SELECT chat_id FROM family) AND day BETWEEN ${range.from}::date AND ${range.to}::date
        AND NOT coalesce((SELECT first >= ${range.from}::date AND last <= ${range.to}::date FROM bounds), false)
      GROUP BY sender_id
    ), top AS (
      SELECT sender_id, count FROM per_sender WHERE count > 0 ORDER BY count DESC, sender_id LIMIT ${limit}
    )
    SELECT t.sender_id, t.count, (SELECT coalesce(sum(count), 0)::int FROM per_sender) AS total,
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

export async function setCommandsAccess(sql: Sql, chatId: number, access: 'everyone' | 'admins'): Promise<void> {
  await sql`UPDATE chats SET commands_access = ${access}, updated_at = now() WHERE chat_id = ${chatId}`
}

export { setChatTimeZone } from './set-chat-time-zone.ts'
