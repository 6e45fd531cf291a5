import type { Sql } from 'postgres'

/**
 * Sets the zone of the chat (and the groups it was upgraded from) and rebuilds, in the same
 * transaction, every rollup keyed by local time: hours and days from the zone-independent
 * 15-minute buckets, per-sender days from the raw rows. Ingest batches wait on the chat row
 * lock, so none is counted in the old zone after this commits.
 */
export async function setChatTimeZone(sql: Sql, chatId: number, timeZone: string): Promise<{ rebuiltMs: number }> {
  const started = performance.now()
  await sql.begin(async (tx) => {
    const ids = (await tx<{ chat_id: string }[]>`
      WITH RECURSIVE family AS (
        SELECT ${chatId}::int8 AS chat_id
        UNION SELECT m.from_chat_id FROM chat_migrations m JOIN family f ON m.to_chat_id = f.chat_id
      )
      SELECT chat_id FROM family ORDER BY chat_id`).map((r) => r.chat_id)
    await tx`INSERT INTO chats (chat_id, type) VALUES (${chatId}, 'supergroup') ON CONFLICT DO NOTHING`
    await tx`UPDATE chats SET time_zone = ${timeZone}, updated_at = now() WHERE chat_id = ANY(${ids}::int8[])`
    await tx`DELETE FROM chat_activity_hour WHERE chat_id = ANY(${ids}::int8[])`
    await tx`
      INSERT INTO chat_activity_hour (chat_id, local_hour, messages, reactions, joins, leaves)
      SELECT chat_id, date_trunc('hour', bucket AT TIME ZONE ${timeZone}), sum(messages), sum(reactions), sum(joins), sum(leaves)
      FROM chat_activity_15m WHERE chat_id = ANY(${ids}::int8[]) GROUP BY 1, 2`
    await tx`DELETE FROM chat_activity_day WHERE chat_id = ANY(${ids}::int8[])`
    await tx`
      INSERT INTO chat_activity_day (chat_id, day, messages, reactions, joins, leaves)
      SELECT chat_id, local_hour::date, sum(messages), sum(reactions), sum(joins), sum(leaves)
      FROM chat_activity_hour WHERE chat_id = ANY(${ids}::int8[]) GROUP BY 1, 2`
    await tx`DELETE FROM sender_day WHERE chat_id = ANY(${ids}::int8[])`
    await tx`
      INSERT INTO sender_day (chat_id, day, sender_id, messages, reactions_received)
      SELECT chat_id, day, sender_id, sum(messages), sum(reactions) FROM (
        SELECT chat_id, (date AT TIME ZONE ${timeZone})::date AS day, sender_id, count(*) AS messages, 0 AS reactions
        FROM messages WHERE chat_id = ANY(${ids}::int8[]) AND sender_id IS NOT NULL GROUP BY 1, 2, 3
        UNION ALL
        SELECT r.chat_id, (r.date AT TIME ZONE ${timeZone})::date, m.sender_id, 0, sum(r.added)
        FROM reaction_events r JOIN messages m ON m.chat_id = r.chat_id AND m.message_id = r.message_id
        WHERE r.chat_id = ANY(${ids}::int8[]) AND r.added > 0 AND m.sender_id IS NOT NULL GROUP BY 1, 2, 3
        UNION ALL
        SELECT r.chat_id, (r.date AT TIME ZONE ${timeZone})::date, m.sender_id, 0, sum(r.added)
        FROM reaction_count_changes r JOIN messages m ON m.chat_id = r.chat_id AND m.message_id = r.message_id
        WHERE r.chat_id = ANY(${ids}::int8[]) AND m.sender_id IS NOT NULL GROUP BY 1, 2, 3
      ) parts GROUP BY 1, 2, 3`
    await tx`DELETE FROM sender_total WHERE chat_id = ANY(${ids}::int8[])`
    await tx`
      INSERT INTO sender_total (chat_id, sender_id, messages, reactions_received, first_day, last_day)
      SELECT chat_id, sender_id, sum(messages), sum(reactions_received),
             min(day) FILTER (WHERE messages > 0), max(day) FILTER (WHERE messages > 0)
      FROM sender_day WHERE chat_id = ANY(${ids}::int8[]) GROUP BY 1, 2`
  })
  return { rebuiltMs: Math.round(performance.now() - started) }
}
