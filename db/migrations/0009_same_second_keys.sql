-- Keys that tell apart two events in one second (Telegram's dates are whole seconds): the update
-- id for edits, rises of anonymous counts and chat_member events, the message id for service
-- messages. Rows stored before keep update_id 0 (bot/ingest/write-events.ts treats those as
-- matching any edit of their second, as the old key did).
DROP INDEX "member_events_natural_idx";--> statement-breakpoint
DROP INDEX "bot_membership_events_update_idx";--> statement-breakpoint
ALTER TABLE "message_edits" ADD COLUMN "update_id" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "reaction_count_changes" ADD COLUMN "update_id" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "message_edits" DROP CONSTRAINT "message_edits_chat_id_message_id_edit_date_pk";--> statement-breakpoint
ALTER TABLE "reaction_count_changes" DROP CONSTRAINT "reaction_count_changes_chat_id_message_id_date_pk";--> statement-breakpoint
ALTER TABLE "message_edits" ADD CONSTRAINT "message_edits_chat_id_message_id_edit_date_update_id_pk" PRIMARY KEY("chat_id","message_id","edit_date","update_id");--> statement-breakpoint
ALTER TABLE "reaction_count_changes" ADD CONSTRAINT "reaction_count_changes_chat_id_message_id_date_update_id_pk" PRIMARY KEY("chat_id","message_id","date","update_id");--> statement-breakpoint
CREATE UNIQUE INDEX "member_events_update_idx" ON "member_events" USING btree ("chat_id","user_id","update_id","date") WHERE origin = 'chat_member';--> statement-breakpoint
CREATE UNIQUE INDEX "member_events_message_idx" ON "member_events" USING btree ("chat_id","user_id","message_id","date") WHERE origin = 'service_message';--> statement-breakpoint
CREATE UNIQUE INDEX "bot_membership_events_update_idx" ON "bot_membership_events" USING btree ("chat_id","update_id","date");
