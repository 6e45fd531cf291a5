-- Event tables become hypertables with 7-day chunks; existing rows are moved in.
SELECT create_hypertable('messages', 'date', chunk_time_interval => INTERVAL '7 days', if_not_exists => TRUE, migrate_data => TRUE, create_default_indexes => FALSE);
--> statement-breakpoint
SELECT create_hypertable('reaction_events', 'date', chunk_time_interval => INTERVAL '7 days', if_not_exists => TRUE, migrate_data => TRUE, create_default_indexes => FALSE);
--> statement-breakpoint
SELECT create_hypertable('member_events', 'date', chunk_time_interval => INTERVAL '7 days', if_not_exists => TRUE, migrate_data => TRUE, create_default_indexes => FALSE);
