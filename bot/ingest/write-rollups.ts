import type { PendingQuery, Row, TransactionSql } from 'postgres'
import type { Engine } from '../../db/migrate.ts'

/**
 * Completes a statement whose prelude defines a CTE
 * `delta(chat_id, at timestamptz, sender_id, messages, reactions, joins, leaves)` of rows
 * that were really inserted: those amounts are added to every rollup in the same statement.
 * `sender_id` is the sender credited (the author for messages, the reacted message's author
 * for reactions) or null. On TimescaleDB the 15-minute rollup is a continuous aggregate.
 */
export function withRollups(tx: TransactionSql, engine: Engine, prelude: PendingQuery<Row[]>): PendingQuery<Row[]> {
  const fifteen = engine === 'postgres'
    ? tx`, r15 AS (
        INSERT INTO chat_activity_15m AS r (chat_id, bucket, messages, reactions, joins, leaves)
        SELECT chat_id, date_bin('15 minutes', at, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
               sum(messages), sum(reactions), sum(joins), sum(leaves)
        FROM loc GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (chat_id, bucket) DO UPDATE SET messages = r.messages + excluded.messages,
          reactions = r.reactions + excluded.reactions, joins = r.joins + excluded.joins, leaves = r.leaves + excluded.leaves
        RETURNING 1)`
    : tx``
  return tx`
    ${prelude},
    loc AS (
      SELECT d.chat_id, d.at, d.sender_id, d.messages, d.reactions, d.joins, d.leaves,
             (d.at AT TIME ZONE c.time_zone) AS local, c.time_zone, c.zone_epoch, c.next_time_zone, c.next_zone_epoch
      FROM delta d JOIN chats c ON c.chat_id = d.chat_id
      WHERE d.messages <> 0 OR d.reactions <> 0 OR d.joins <> 0 OR d.leaves <> 0
    )${fifteen}, rh AS (
      INSERT INTO chat_activity_hour AS r (chat_id, local_hour, messages, reactions, joins, leaves)
      SELECT chat_id, date_trunc('hour', local), sum(messages), sum(reactions), sum(joins), sum(leaves)
      FROM loc GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (chat_id, local_hour) DO UPDATE SET messages = r.messages + excluded.messages,
        reactions = r.reactions + excluded.reactions, joins = r.joins + excluded.joins, leaves = r.leaves + excluded.leaves
      RETURNING 1
    ), rd AS (
      INSERT INTO chat_activity_day AS r (chat_id, day, messages, reactions, joins, leaves)
      SELECT chat_id, local::date, sum(messages), sum(reactions), sum(joins), sum(leaves)
      FROM loc GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (chat_id, day) DO UPDATE SET messages = r.messages + excluded.messages,
        reactions = r.reactions + excluded.reactions, joins = r.joins + excluded.joins, leaves = r.leaves + excluded.leaves
      RETURNING 1
    ), rsd AS (
      INSERT INTO sender_day AS r (chat_id, zone_epoch, day, sender_id, messages, reactions_received)
      SELECT chat_id, zone_epoch, local::date, sender_id, sum(messages), sum(reactions)
      FROM loc WHERE sender_id IS NOT NULL AND (messages <> 0 OR reactions <> 0) GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
      ON CONFLICT (chat_id, zone_epoch, day, sender_id) DO UPDATE SET messages = r.messages + excluded.messages,
        reactions_received = r.reactions_received + excluded.reactions_received
      RETURNING 1
    ), rsd_next AS (
      -- While the zone changes (db/queries/set-chat-time-zone.ts), the same amounts in the new
      -- zone's days, apart: the switch-over adds them to the epoch built from the raw rows.
      INSERT INTO sender_day AS r (chat_id, zone_epoch, day, sender_id, messages, reactions_received)
      SELECT chat_id, -next_zone_epoch, (at AT TIME ZONE next_time_zone)::date, sender_id, sum(messages), sum(reactions)
      FROM loc WHERE next_time_zone IS NOT NULL AND sender_id IS NOT NULL AND (messages <> 0 OR reactions <> 0) GROUP BY 1, 2, 3, 4
      ON CONFLICT (chat_id, zone_epoch, day, sender_id) DO UPDATE SET messages = r.messages + excluded.messages,
        reactions_received = r.reactions_received + excluded.reactions_received
      RETURNING 1
    ), past AS (
      -- Data for a day that is already over changes closed ranges: their memos must go stale.
      UPDATE chats c SET history_version = c.history_version + 1
      WHERE c.chat_id IN (SELECT chat_id FROM loc WHERE local::date < (now() AT TIME ZONE time_zone)::date)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM delta)::int AS n`
}
