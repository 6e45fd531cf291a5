-- Keys that tell apart two events in one second (Telegram's dates are whole seconds): the update id
-- for edits and rises of anonymous counts; chat and date beside the update id of the bot's own
-- membership (ids are per bot, and renumbered after a week without updates). Rows stored before
-- keep update_id 0, which the writer takes as standing for its whole second, as the old keys did.
--
-- member_events loses its unique key on (chat, user, direction, date), which made a ban and an
-- unban, or a quick rejoin, in one second one event: the writer now looks an event up by its
-- update or service message under the chat's lock. TimescaleDB refuses changes to the indexes of
-- a hypertable with compression on in some versions (feature_not_supported): there the old key
-- stays, and with it the old behaviour (the writer's ON CONFLICT DO NOTHING keeps such a second's
-- first event), rather than stopping the start; the bot warns of it at every start.
DO $$
BEGIN
  DROP INDEX IF EXISTS "member_events_natural_idx";
EXCEPTION WHEN feature_not_supported THEN
  NULL;
END $$;--> statement-breakpoint
DROP INDEX "bot_membership_events_update_idx";--> statement-breakpoint
ALTER TABLE "message_edits" ADD COLUMN "update_id" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "reaction_counts" ADD COLUMN "update_id" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "reaction_count_changes" ADD COLUMN "update_id" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "message_edits" DROP CONSTRAINT "message_edits_chat_id_message_id_edit_date_pk";--> statement-breakpoint
ALTER TABLE "reaction_count_changes" DROP CONSTRAINT "reaction_count_changes_chat_id_message_id_date_pk";--> statement-breakpoint
ALTER TABLE "message_edits" ADD CONSTRAINT "message_edits_chat_id_message_id_edit_date_update_id_pk" PRIMARY KEY("chat_id","message_id","edit_date","update_id");--> statement-breakpoint
ALTER TABLE "reaction_count_changes" ADD CONSTRAINT "reaction_count_changes_chat_id_message_id_date_update_id_pk" PRIMARY KEY("chat_id","message_id","date","update_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bot_membership_events_update_idx" ON "bot_membership_events" USING btree ("chat_id","update_id","date");
