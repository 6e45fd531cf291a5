-- The zone-independent 15-minute activity comes from real-time continuous aggregates over the
-- hypertables instead of the table the ingest batch maintains elsewhere (continuous aggregates
-- are in the Timescale-licensed edition only). The local-time rollups stay ingest-maintained: a
-- continuous aggregate buckets in one fixed zone, while every chat has its own. Each statement
-- runs on its own, outside a transaction, and each may run again: a step interrupted halfway
-- starts over from its first statement (and installs of an earlier release, which ran this
-- step from db/engine/timescaledb/, run it again here).
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('chat_activity_15m') AND relkind = 'r') THEN
    DROP TABLE chat_activity_15m;
  END IF;
END $$;
--> statement-breakpoint
CREATE MATERIALIZED VIEW IF NOT EXISTS messages_15m
  WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
  SELECT chat_id, time_bucket(INTERVAL '15 minutes', date) AS bucket, count(*)::int AS messages
  FROM messages GROUP BY chat_id, time_bucket(INTERVAL '15 minutes', date)
  WITH NO DATA;
--> statement-breakpoint
CREATE MATERIALIZED VIEW IF NOT EXISTS reactions_15m
  WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
  SELECT chat_id, time_bucket(INTERVAL '15 minutes', date) AS bucket, sum(added)::int AS reactions
  FROM reaction_events GROUP BY chat_id, time_bucket(INTERVAL '15 minutes', date)
  WITH NO DATA;
--> statement-breakpoint
CREATE MATERIALIZED VIEW IF NOT EXISTS members_15m
  WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
  SELECT chat_id, time_bucket(INTERVAL '15 minutes', date) AS bucket,
         count(*) FILTER (WHERE direction = 1)::int AS joins, count(*) FILTER (WHERE direction = -1)::int AS leaves
  FROM member_events GROUP BY chat_id, time_bucket(INTERVAL '15 minutes', date)
  WITH NO DATA;
--> statement-breakpoint
-- Refresh windows open to the start of time (start_offset NULL): a refresh recomputes only the
-- ranges written since the last one, and rows dated long ago (an edit of a message the bot never
-- saw sent, a bulk load) land below the materialized part, which the real-time part does not
-- cover. An earlier release's policies (7 days back) are replaced.
SELECT remove_continuous_aggregate_policy('messages_15m', if_exists => TRUE);
--> statement-breakpoint
SELECT remove_continuous_aggregate_policy('reactions_15m', if_exists => TRUE);
--> statement-breakpoint
SELECT remove_continuous_aggregate_policy('members_15m', if_exists => TRUE);
--> statement-breakpoint
SELECT add_continuous_aggregate_policy('messages_15m', start_offset => NULL, end_offset => INTERVAL '15 minutes', schedule_interval => INTERVAL '15 minutes', if_not_exists => TRUE);
--> statement-breakpoint
SELECT add_continuous_aggregate_policy('reactions_15m', start_offset => NULL, end_offset => INTERVAL '15 minutes', schedule_interval => INTERVAL '15 minutes', if_not_exists => TRUE);
--> statement-breakpoint
SELECT add_continuous_aggregate_policy('members_15m', start_offset => NULL, end_offset => INTERVAL '15 minutes', schedule_interval => INTERVAL '15 minutes', if_not_exists => TRUE);
--> statement-breakpoint
-- Existing rows (a database that ran on plain PostgreSQL before) are aggregated once now.
CALL refresh_continuous_aggregate('messages_15m', NULL, NULL);
--> statement-breakpoint
CALL refresh_continuous_aggregate('reactions_15m', NULL, NULL);
--> statement-breakpoint
CALL refresh_continuous_aggregate('members_15m', NULL, NULL);
--> statement-breakpoint
-- Anonymous reaction counts (reaction_count_changes, a plain table) are aggregated as they are
-- read, as the ingest batch counts them on plain PostgreSQL.
CREATE OR REPLACE VIEW chat_activity_15m AS
  SELECT chat_id, bucket, sum(messages)::int AS messages, sum(reactions)::int AS reactions,
         sum(joins)::int AS joins, sum(leaves)::int AS leaves
  FROM (
    SELECT chat_id, bucket, messages, 0 AS reactions, 0 AS joins, 0 AS leaves FROM messages_15m
    UNION ALL SELECT chat_id, bucket, 0, reactions, 0, 0 FROM reactions_15m
    UNION ALL SELECT chat_id, time_bucket(INTERVAL '15 minutes', date), 0, added, 0, 0 FROM reaction_count_changes
    UNION ALL SELECT chat_id, bucket, 0, 0, joins, leaves FROM members_15m
  ) parts
  GROUP BY chat_id, bucket;
