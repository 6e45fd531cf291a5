import type { Sql, TransactionSql } from 'postgres'

/**
 * Recomputes, for the given chats, the hour and day rollups from the zone-independent 15-minute
 * buckets, in each chat's zone (chats.time_zone); range memos are dropped. Run inside a
 * transaction that holds the chat rows.
 */
export async function rebuildLocalActivity(tx: TransactionSql, chatIds: readonly (number | string)[]): Promise<void> {
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
  // Memos of closed ranges were computed in the old zone's days.
  await tx`DELETE FROM range_memo_senders WHERE chat_id = ANY(${ids}::int8[])`
  await tx`DELETE FROM range_memo WHERE chat_id = ANY(${ids}::int8[])`
  await tx`UPDATE chats SET history_version = history_version + 1 WHERE chat_id = ANY(${ids}::int8[])`
}

/**
 * Inserts the sender_day rows of the given chats computed from the raw rows: in `target.zone`
 * at `target.epoch`, or in each chat's own zone and epoch. The rows must not exist yet.
 */
export async function insertSenderDays(
  q: Sql | TransactionSql, chatIds: readonly (number | string)[], target?: { zone: string; epoch: number },
): Promise<number> {
  const ids = [...chatIds].map(String)
  const zones = target
    ? q`SELECT chat_id, ${target.zone}::text AS time_zone, ${target.epoch}::int AS zone_epoch FROM unnest(${ids}::int8[]) AS chat_id`
    : q`SELECT chat_id, time_zone, zone_epoch FROM chats WHERE chat_id = ANY(${ids}::int8[])`
  const result = await q`
    WITH zones AS (${zones})
    INSERT INTO sender_day (chat_id, zone_epoch, day, sender_id, messages, reactions_received)
    SELECT chat_id, zone_epoch, day, sender_id, sum(messages), sum(reactions) FROM (
      SELECT m.chat_id, z.zone_epoch, (m.date AT TIME ZONE z.time_zone)::date AS day, m.sender_id, count(*) AS messages, 0 AS reactions
      FROM messages m JOIN zones z USING (chat_id) WHERE m.sender_id IS NOT NULL GROUP BY 1, 2, 3, 4
      UNION ALL
      SELECT r.chat_id, z.zone_epoch, (r.date AT TIME ZONE z.time_zone)::date, m.sender_id, 0, sum(r.added)
      FROM reaction_events r JOIN zones z USING (chat_id) JOIN messages m ON m.chat_id = r.chat_id AND m.message_id = r.message_id
      WHERE r.added > 0 AND m.sender_id IS NOT NULL GROUP BY 1, 2, 3, 4
      UNION ALL
      SELECT r.chat_id, z.zone_epoch, (r.date AT TIME ZONE z.time_zone)::date, m.sender_id, 0, sum(r.added)
      FROM reaction_count_changes r JOIN zones z USING (chat_id) JOIN messages m ON m.chat_id = r.chat_id AND m.message_id = r.message_id
      WHERE m.sender_id IS NOT NULL GROUP BY 1, 2, 3, 4
    ) parts GROUP BY 1, 2, 3, 4`
  return result.count
}

/**
 * Recomputes every rollup keyed by local time for the given chats in their current zones, in
 * one transaction that holds the chat rows. For maintenance (bulk loads, restores), not while
 * a zone change of these chats is under way.
 */
async function rebuildLocalRollups(tx: TransactionSql, chatIds: readonly (number | string)[]): Promise<void> {
  const ids = [...chatIds].map(String)
  await rebuildLocalActivity(tx, ids)
  await tx`DELETE FROM sender_day WHERE chat_id = ANY(${ids}::int8[])`
  await insertSenderDays(tx, ids)
}

/**
 * Recomputes every rollup of the given chats from the raw rows (after a restore, or for data
 * loaded in bulk). Where the 15-minute buckets are a continuous aggregate (engine `timescaledb`),
 * TimescaleDB's policy refreshes them instead, within 15 minutes, over every range that changed.
 */
export async function rebuildRollupsFromRaw(tx: TransactionSql, chatIds: readonly (number | string)[], engine: 'postgres' | 'timescaledb'): Promise<void> {
  const ids = [...chatIds].map(String)
  if (engine === 'postgres') await rebuildFifteenMinutes(tx, ids)
  await rebuildLocalRollups(tx, ids)
}

/** Recomputes the 15-minute activity table's rows of the given chats from the raw rows. */
export async function rebuildFifteenMinutes(tx: TransactionSql, chatIds: readonly (number | string)[]): Promise<void> {
  const ids = [...chatIds].map(String)
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
