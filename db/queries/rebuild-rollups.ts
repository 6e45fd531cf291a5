import type { TransactionSql } from 'postgres'

/**
 * Recomputes, for the given chats, every rollup keyed by local time from zone-independent data:
 * hours and days from the 15-minute buckets, per-sender days from the raw rows; range memos are dropped.
 * Each chat's own zone (chats.time_zone) is used. Run inside a transaction that holds the chat rows.
 */
export async function rebuildLocalRollups(tx: TransactionSql, chatIds: readonly (number | string)[]): Promise<void> {
  const ids = [...chatIds].map(String)
  await tx`DELETE FROM chat_activity_hour WHERE chat_id = ANY(${ids}::int8[])`
  await tx`
    INSERT INTO chat_activity_hour (chat_id, local_hour, messages, reactions, joins, leaves)
    SELECT b.chat_id, date_trunc('hour', b.bucket AT TIME ZONE c.time_zone), sum(b.messages), sum(b.reactions), sum(b.joins), sum(b.leaves)
    FROM chat_activity_15m b JOIN chats c ON c.chat_id = b.chat_id
    WHERE b.chat_id = ANY(${ids}::int8[]) GROUP BY 1, 2`
  await tx`DELETE FROM chat_activity_day WHERE chat_id = ANY(${ids}::int8[])`
  await tx`
    INSERT INTO chat_activity_day (chat_id, day, messages, reactions, joins, leaves)
    SELECT chat_id, local_hour::date, sum(messages), sum(reactions), sum(joins), sum(leaves)
    FROM chat_activity_hour WHERE chat_id = ANY(${ids}::int8[]) GROUP BY 1, 2`
  await tx`DELETE FROM sender_day WHERE chat_id = ANY(${ids}::int8[])`
  await tx`
    WITH zones AS (SELECT chat_id, time_zone FROM chats WHERE chat_id = ANY(${ids}::int8[]))
    INSERT INTO sender_day (chat_id, day, sender_id, messages, reactions_received)
    SELECT chat_id, day, sender_id, sum(messages), sum(reactions) FROM (
      SELECT m.chat_id, (m.date AT TIME ZONE z.time_zone)::date AS day, m.sender_id, count(*) AS messages, 0 AS reactions
      FROM messages m JOIN zones z USING (chat_id) WHERE m.sender_id IS NOT NULL GROUP BY 1, 2, 3
      UNION ALL
      SELECT r.chat_id, (r.date AT TIME ZONE z.time_zone)::date, m.sender_id, 0, sum(r.added)
      FROM reaction_events r JOIN zones z USING (chat_id) JOIN messages m ON m.chat_id = r.chat_id AND m.message_id = r.message_id
      WHERE r.added > 0 AND m.sender_id IS NOT NULL GROUP BY 1, 2, 3
      UNION ALL
      SELECT r.chat_id, (r.date AT TIME ZONE z.time_zone)::date, m.sender_id, 0, sum(r.added)
      FROM reaction_count_changes r JOIN zones z USING (chat_id) JOIN messages m ON m.chat_id = r.chat_id AND m.message_id = r.message_id
      WHERE m.sender_id IS NOT NULL GROUP BY 1, 2, 3
    ) parts GROUP BY 1, 2, 3`
  // Memos of closed ranges were computed in the old zone's days.
  await tx`DELETE FROM range_memo_senders WHERE chat_id = ANY(${ids}::int8[])`
  await tx`DELETE FROM range_memo WHERE chat_id = ANY(${ids}::int8[])`
  await tx`UPDATE chats SET history_version = history_version + 1 WHERE chat_id = ANY(${ids}::int8[])`
}

/**
 * Recomputes every rollup of the given chats from the raw rows (after a restore, or for data
 * loaded in bulk). On TimescaleDB the 15-minute buckets are a continuous aggregate and are
 * refreshed by TimescaleDB instead.
 */
export async function rebuildRollupsFromRaw(tx: TransactionSql, chatIds: readonly (number | string)[], engine: 'postgres' | 'timescaledb'): Promise<void> {
  const ids = [...chatIds].map(String)
  if (engine === 'postgres') {
    await tx`DELETE FROM chat_activity_15m WHERE chat_id = ANY(${ids}::int8[])`
    await tx`
      INSERT INTO chat_activity_15m (chat_id, bucket, messages, reactions, joins, leaves)
      SELECT chat_id, bucket, sum(messages), sum(reactions), sum(joins), sum(leaves) FROM (
        SELECT chat_id, date_bin('15 minutes', date, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, count(*) AS messages, 0 AS reactions, 0 AS joins, 0 AS leaves
        FROM messages WHERE chat_id = ANY(${ids}::int8[]) GROUP BY 1, 2
        UNION ALL
        SELECT chat_id, date_bin('15 minutes', date, TIMESTAMPTZ '2000-01-01 00:00:00+00'), 0, sum(added), 0, 0
        FROM reaction_events WHERE chat_id = ANY(${ids}::int8[]) AND added > 0 GROUP BY 1, 2
        UNION ALL
        SELECT chat_id, date_bin('15 minutes', date, TIMESTAMPTZ '2000-01-01 00:00:00+00'), 0, sum(added), 0, 0
        FROM reaction_count_changes WHERE chat_id = ANY(${ids}::int8[]) GROUP BY 1, 2
        UNION ALL
        SELECT chat_id, date_bin('15 minutes', date, TIMESTAMPTZ '2000-01-01 00:00:00+00'), 0, 0,
               count(*) FILTER (WHERE direction = 1), count(*) FILTER (WHERE direction = -1)
        FROM member_events WHERE chat_id = ANY(${ids}::int8[]) GROUP BY 1, 2
      ) parts GROUP BY 1, 2`
  }
  await rebuildLocalRollups(tx, ids)
}
