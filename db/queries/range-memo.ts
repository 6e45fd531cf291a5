import type { PendingQuery, Row, Sql, TransactionSql } from 'postgres'
import type { DayRange } from './chat-stats-contract.ts'

/** The chat and the groups it was upgraded from, as a CTE named `family`. */
export const familyCte = (sql: Sql | TransactionSql, chatId: number) => sql`
  WITH RECURSIVE family AS (
    SELECT ${chatId}::int8 AS chat_id
    UNION SELECT m.from_chat_id FROM chat_migrations m JOIN family f ON m.to_chat_id = f.chat_id
  )`

/**
 * `WHERE` for the sender_day rows (alias `t`) of the family in force: each chat's current zone
 * epoch (a zone change builds the next one beside it).
 */
export const senderDaysOfFamily = (sql: Sql | TransactionSql, t: string) => sql`
  (${sql(t)}.chat_id, ${sql(t)}.zone_epoch) IN (SELECT f.chat_id, c.zone_epoch FROM family f JOIN chats c ON c.chat_id = f.chat_id)`

export interface RangeParts {
  /** The part of the range that is over (ends before today), served from a memo. */
  closed: DayRange | null
  /** Today, when the range reaches it: read live from sender_day. */
  today: string | null
}

/**
 * Splits a range at the chat's local today and makes sure the closed part's memo is current.
 * The usual case (memo fresh) costs one query.
 */
export async function prepareRange(sql: Sql, chatId: number, range: DayRange): Promise<RangeParts> {
  const [row] = await sql<{ today: string; yesterday: string; fresh: boolean | null; touch: boolean | null }[]>`
    WITH t AS (
      SELECT (now() AT TIME ZONE coalesce(c.time_zone, 'UTC'))::date AS today, c.history_version
      FROM (SELECT 1) one LEFT JOIN chats c ON c.chat_id = ${chatId}::int8
    )
    SELECT today::text, (today - 1)::text AS yesterday,
      m.history_version = t.history_version AS fresh, m.used_at < now() - interval '1 hour' AS touch
    FROM t LEFT JOIN range_memo m ON m.chat_id = ${chatId}::int8 AND m.from_day = ${range.from}::date
      AND m.to_day = LEAST(${range.to}::date, t.today - 1)`
  const { today, yesterday } = row!
  const closedTo = range.to < today ? range.to : yesterday
  const parts = {
    closed: range.from <= closedTo ? { from: range.from, to: closedTo } : null,
    today: range.from <= today && range.to >= today ? today : null,
  }
  if (parts.closed && !row!.fresh) await ensureRangeMemo(sql, chatId, parts.closed)
  else if (parts.closed && row!.touch) await sql`UPDATE range_memo SET used_at = now() WHERE ${memoKey(sql, chatId, parts.closed)}`
  return parts
}

/**
 * Makes sure per-sender totals of the closed range are stored and current. Closed days change
 * only when late data arrives, which bumps chats.history_version; a memo of another version is
 * recomputed. The first request for a range pays for one scan of sender_day; later ones don't.
 */
export async function ensureRangeMemo(sql: Sql, chatId: number, range: DayRange): Promise<void> {
  const fresh = async (q: Sql | TransactionSql) => {
    const [row] = await q<{ fresh: boolean; used_long_ago: boolean }[]>`
      SELECT m.history_version = c.history_version AS fresh, m.used_at < now() - interval '1 hour' AS used_long_ago
      FROM range_memo m JOIN chats c ON c.chat_id = m.chat_id
      WHERE m.chat_id = ${chatId}::int8 AND m.from_day = ${range.from}::date AND m.to_day = ${range.to}::date`
    return row
  }
  const state = await fresh(sql)
  if (state?.fresh) {
    if (state.used_long_ago) await sql`UPDATE range_memo SET used_at = now() WHERE chat_id = ${chatId}::int8 AND from_day = ${range.from}::date AND to_day = ${range.to}::date`
    return
  }
  let created = 0
  await sql.begin(async (tx) => {
    // Two requests for the same range compute it once.
    await tx`SELECT pg_advisory_xact_lock(hashtextextended(${`memo:${chatId}:${range.from}:${range.to}`}, 0))`
    if ((await fresh(tx))?.fresh) return
    const key = tx`chat_id = ${chatId}::int8 AND from_day = ${range.from}::date AND to_day = ${range.to}::date`
    await tx`DELETE FROM range_memo_senders WHERE ${key}`
    await tx`DELETE FROM range_memo WHERE ${key}`
    const [{ version } = { version: '0' }] = await tx<{ version: string }[]>`
      SELECT coalesce((SELECT history_version FROM chats WHERE chat_id = ${chatId}::int8), 0)::text AS version`
    const inserted = await tx`
      ${familyCte(tx, chatId)}
      INSERT INTO range_memo_senders (chat_id, from_day, to_day, sender_id, messages, reactions_received)
      SELECT ${chatId}::int8, ${range.from}::date, ${range.to}::date, sender_id, sum(messages), sum(reactions_received)
      FROM sender_day t WHERE ${senderDaysOfFamily(tx, 't')} AND day BETWEEN ${range.from}::date AND ${range.to}::date
      GROUP BY sender_id`
    await tx`
      INSERT INTO range_memo (chat_id, from_day, to_day, history_version, active_users, messages_total, reactions_total)
      SELECT ${chatId}::int8, ${range.from}::date, ${range.to}::date, ${version}::int8,
        count(*) FILTER (WHERE messages > 0), coalesce(sum(messages), 0), coalesce(sum(reactions_received), 0)
      FROM range_memo_senders WHERE ${key}`
    // Sliding windows leave yesterday's memos behind; drop the ones nobody asked for lately.
    await tx`DELETE FROM range_memo_senders s USING range_memo m
      WHERE m.chat_id = ${chatId}::int8 AND m.used_at < now() - interval '2 days'
        AND s.chat_id = m.chat_id AND s.from_day = m.from_day AND s.to_day = m.to_day`
    await tx`DELETE FROM range_memo WHERE chat_id = ${chatId}::int8 AND used_at < now() - interval '2 days'`
    created = inserted.count
  })
  // Fresh statistics let the planner look senders up by key instead of walking a whole large
  // memo; small memos are fast with any plan and not worth an ANALYZE each.
  if (created > 5000) await sql`ANALYZE range_memo_senders`
}

/** `WHERE` for the memo rows of a closed range, or for none. */
export function memoKey(sql: Sql, chatId: number, closed: DayRange | null): PendingQuery<Row[]> {
  return closed
    ? sql`chat_id = ${chatId}::int8 AND from_day = ${closed.from}::date AND to_day = ${closed.to}::date`
    : sql`false`
}

/** Chats (not upgraded away) with messages in the last 30 days: the ones worth keeping memos warm for. */
export async function recentlyActiveChats(sql: Sql): Promise<number[]> {
  const rows = await sql<{ chat_id: string }[]>`
    SELECT DISTINCT d.chat_id FROM chat_activity_day d
    JOIN chats c ON c.chat_id = d.chat_id AND c.migrated_to_chat_id IS NULL
    WHERE d.day >= current_date - 30 AND d.messages > 0`
  return rows.map((r) => Number(r.chat_id))
}
