import type { PendingQuery, Row, TransactionSql } from 'postgres'
import type { Engine } from '../../db/migrate.ts'

/**
 * Completes a statement whose prelude defines a CTE
 * `delta(chat_id, at timestamptz, sender_id, messages, reactions, joins, leaves)` of rows
 * that were really inserted: those amounts are added to every rollup in the same statement.
 * `sender_id` is the sender credited (the author for messages, the reacted message's author
 * for reactions) or null. With engine `timescaledb` the 15-minute rollup is a continuous aggregate,
 * which the batch leaves alone.
 */
export function withRollups(tx: TransactionSql, engine: Engine, prelude: PendingQuery<Row[]>): PendingQuery<Row[]> {
  const fifteen = engine === 'postgres'
    ? tx`, r15 AS (${addActivity(tx, 'chat_activity_15m', 'bucket', tx`date_bin('15 minutes', at, TIMESTAMPTZ '2000-01-01 00:00:00+00')`)})`
    : tx``
  return tx`
    ${prelude},
    -- Each chat of the batch looked up once by key (OFFSET 0 keeps it a lookup), whatever the
    -- size of the chats table. The batch has created and locked every chat row it touches
    -- (lockChats); should one be missing all the same, it counts as a new chat: UTC, epoch 0.
    zones AS (
      SELECT c.* FROM (SELECT DISTINCT chat_id FROM delta) k
      CROSS JOIN LATERAL (SELECT chat_id, time_zone, zone_epoch, next_time_zone, next_zone_epoch
                          FROM chats c WHERE c.chat_id = k.chat_id OFFSET 0) c
    ),
    loc AS (
      SELECT d.chat_id, d.at, d.sender_id, d.messages, d.reactions, d.joins, d.leaves,
             (d.at AT TIME ZONE COALESCE(z.time_zone, 'UTC')) AS local, COALESCE(z.time_zone, 'UTC') AS time_zone,
             COALESCE(z.zone_epoch, 0) AS zone_epoch, z.next_time_zone, z.next_zone_epoch
      FROM delta d LEFT JOIN zones z ON z.chat_id = d.chat_id
      WHERE d.messages <> 0 OR d.reactions <> 0 OR d.joins <> 0 OR d.leaves <> 0
    )${fifteen},
    rh AS (${addActivity(tx, 'chat_activity_hour', 'local_hour', tx`date_trunc('hour', local)`)}),
    rd AS (${addActivity(tx, 'chat_activity_day', 'day', tx`local::date`)}),
    rsd AS (${addSenderDays(tx, tx`zone_epoch`, tx`local::date`, tx`true`)}),
    -- While the zone changes (db/queries/set-chat-time-zone.ts), the same amounts in the new
    -- zone's days, apart: the switch-over adds them to the epoch built from the raw rows.
    rsd_next AS (${addSenderDays(tx, tx`-next_zone_epoch`, tx`(at AT TIME ZONE next_time_zone)::date`, tx`next_time_zone IS NOT NULL`)}),
    past AS (
      -- Data for a day that is already over changes closed ranges: their memos must go stale.
      -- Checked per chat and day written, not per row: the clock is read in each chat's zone.
      -- ANY(ARRAY(…)) updates the chats by key rather than joining the whole table.
      UPDATE chats c SET history_version = c.history_version + 1
      WHERE c.chat_id = ANY(ARRAY(
        SELECT rd.chat_id FROM rd JOIN zones z USING (chat_id)
        GROUP BY rd.chat_id, z.time_zone HAVING min(rd.key) < (now() AT TIME ZONE z.time_zone)::date))
      RETURNING 1
    )
    SELECT 1`
}

/** Adds the amounts in `loc`, grouped by chat and `key` (stored in `keyColumn`), to an activity rollup; in key order, as every writer locks rows. */
function addActivity(tx: TransactionSql, table: string, keyColumn: string, key: PendingQuery<Row[]>): PendingQuery<Row[]> {
  return tx`
    INSERT INTO ${tx(table)} AS r (chat_id, ${tx(keyColumn)}, messages, reactions, joins, leaves)
    SELECT chat_id, ${key}, sum(messages), sum(reactions), sum(joins), sum(leaves)
    FROM loc GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (chat_id, ${tx(keyColumn)}) DO UPDATE SET messages = r.messages + excluded.messages,
      reactions = r.reactions + excluded.reactions, joins = r.joins + excluded.joins, leaves = r.leaves + excluded.leaves
    RETURNING chat_id, ${tx(keyColumn)} AS key`
}

/** Adds the amounts credited to senders in `loc` rows matching `where` to sender_day at `epoch` and `day`. */
function addSenderDays(tx: TransactionSql, epoch: PendingQuery<Row[]>, day: PendingQuery<Row[]>, where: PendingQuery<Row[]>): PendingQuery<Row[]> {
  return tx`
    INSERT INTO sender_day AS r (chat_id, zone_epoch, day, sender_id, messages, reactions_received)
    SELECT chat_id, ${epoch}, ${day}, sender_id, sum(messages), sum(reactions)
    FROM loc WHERE ${where} AND sender_id IS NOT NULL AND (messages <> 0 OR reactions <> 0)
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (chat_id, zone_epoch, day, sender_id) DO UPDATE SET messages = r.messages + excluded.messages,
      reactions_received = r.reactions_received + excluded.reactions_received
    RETURNING 1`
}
