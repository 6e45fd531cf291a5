-- Compression is a Timescale-licensed feature; chunks older than 30 days are compressed per chat.
-- Every column of a unique index must be a segmentby or orderby column, or compression is refused.
ALTER TABLE messages SET (timescaledb.compress, timescaledb.compress_segmentby = 'chat_id', timescaledb.compress_orderby = 'date DESC, message_id');
--> statement-breakpoint
SELECT add_compression_policy('messages', INTERVAL '30 days', if_not_exists => TRUE);
--> statement-breakpoint
ALTER TABLE reaction_events SET (timescaledb.compress, timescaledb.compress_segmentby = 'chat_id', timescaledb.compress_orderby = 'date DESC, update_id');
--> statement-breakpoint
SELECT add_compression_policy('reaction_events', INTERVAL '30 days', if_not_exists => TRUE);
--> statement-breakpoint
ALTER TABLE member_events SET (timescaledb.compress, timescaledb.compress_segmentby = 'chat_id', timescaledb.compress_orderby = 'date DESC, user_id, direction');
--> statement-breakpoint
SELECT add_compression_policy('member_events', INTERVAL '30 days', if_not_exists => TRUE);
