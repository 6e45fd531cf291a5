import type { Sql } from 'postgres'

// Expected figures straight from the raw tables, in the chat's zone, written independently of
// db/queries. Reactions are counted from the old/new arrays: emoji present now that were not before.

export interface RawTotals {
  messages: number
  senders: number
  joins: number
  leaves: number
  reactions: number
  busiest: { day: string; n: number } | undefined
}

const ADDED = `cardinality(ARRAY(SELECT unnest(new_reactions) EXCEPT SELECT unnest(old_reactions)))`

export async function rawTotals(sql: Sql, chatId: number, zone: string, from: string, to: string): Promise<RawTotals> {
  const [row] = await sql<{ messages: number; senders: number; joins: number; leaves: number; reactions: number }[]>`
    SELECT
      (SELECT count(*)::int FROM messages WHERE chat_id = ${chatId} AND (date AT TIME ZONE ${zone})::date BETWEEN ${from} AND ${to}) AS messages,
      (SELECT count(DISTINCT sender_id)::int FROM messages WHERE chat_id = ${chatId} AND (date AT TIME ZONE ${zone})::date BETWEEN ${from} AND ${to}) AS senders,
      (SELECT count(*)::int FROM member_events WHERE chat_id = ${chatId} AND direction = 1 AND (date AT TIME ZONE ${zone})::date BETWEEN ${from} AND ${to}) AS joins,
      (SELECT count(*)::int FROM member_events WHERE chat_id = ${chatId} AND direction = -1 AND (date AT TIME ZONE ${zone})::date BETWEEN ${from} AND ${to}) AS leaves,
      (SELECT coalesce(sum(${sql.unsafe(ADDED)}), 0)::int FROM reaction_events WHERE chat_id = ${chatId} AND (date AT TIME ZONE ${zone})::date BETWEEN ${from} AND ${to}) AS reactions`
  const [busiest] = await sql<{ day: string; n: number }[]>`
    SELECT (date AT TIME ZONE ${zone})::date::text AS day, count(*)::int AS n FROM messages
    WHERE chat_id = ${chatId} AND (date AT TIME ZONE ${zone})::date BETWEEN ${from} AND ${to}
    GROUP BY 1 ORDER BY n DESC, day LIMIT 1`
  return { ...row!, busiest }
}

export async function rawBusiestHour(sql: Sql, chatId: number, zone: string, from: string, to: string) {
  const [row] = await sql<{ dow: number; hour: number; n: number }[]>`
    SELECT extract(isodow FROM date AT TIME ZONE ${zone})::int AS dow, extract(hour FROM date AT TIME ZONE ${zone})::int AS hour, count(*)::int AS n
    FROM messages WHERE chat_id = ${chatId} AND (date AT TIME ZONE ${zone})::date BETWEEN ${from} AND ${to}
    GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 1`
  return row
}

export async function rawTop(sql: Sql, chatId: number, zone: string, from: string, to: string, by: 'messages' | 'reactions') {
  const rows = by === 'messages'
    ? await sql<{ sender_id: string; n: number }[]>`
        SELECT sender_id, count(*)::int AS n FROM messages
        WHERE chat_id = ${chatId} AND sender_id IS NOT NULL AND (date AT TIME ZONE ${zone})::date BETWEEN ${from} AND ${to}
        GROUP BY 1 ORDER BY n DESC, sender_id`
    : await sql<{ sender_id: string; n: number }[]>`
        SELECT m.sender_id, sum(${sql.unsafe(ADDED)})::int AS n
        FROM reaction_events r JOIN messages m ON m.chat_id = r.chat_id AND m.message_id = r.message_id
        WHERE r.chat_id = ${chatId} AND m.sender_id IS NOT NULL AND (r.date AT TIME ZONE ${zone})::date BETWEEN ${from} AND ${to}
        GROUP BY 1 HAVING sum(${sql.unsafe(ADDED)}) > 0 ORDER BY n DESC, m.sender_id`
  const total = rows.reduce((sum, r) => sum + r.n, 0)
  return { top: rows.slice(0, 10).map((r) => ({ senderId: Number(r.sender_id), n: r.n })), total }
}

export async function rawFirstDay(sql: Sql, chatId: number, zone: string): Promise<string> {
  const [row] = await sql<{ day: string }[]>`
    SELECT min(d)::text AS day FROM (
      SELECT (date AT TIME ZONE ${zone})::date AS d FROM messages WHERE chat_id = ${chatId}
      UNION ALL SELECT (date AT TIME ZONE ${zone})::date FROM reaction_events WHERE chat_id = ${chatId}
      UNION ALL SELECT (date AT TIME ZONE ${zone})::date FROM member_events WHERE chat_id = ${chatId}
    ) days`
  return row!.day
}

/** The figures as the answers print them, formatted here by hand-written rules. */
export const count = (n: number): string => (n < 0 ? `−${Math.abs(n).toLocaleString('en-US')}` : n.toLocaleString('en-US'))
export const signed = (n: number): string => (n > 0 ? `+${count(n)}` : n === 0 ? '±0' : count(n))
export function change(current: number, previous: number): string {
  if (current === previous) return '±0%'
  if (previous === 0) return 'new'
  const p = ((current - previous) / Math.abs(previous)) * 100
  return `${p > 0 ? '+' : '−'}${Math.abs(p).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`
}
