ALTER TABLE "sender_day" ADD COLUMN "zone_epoch" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sender_day" DROP CONSTRAINT "sender_day_chat_id_day_sender_id_pk";--> statement-breakpoint
ALTER TABLE "sender_day" ADD CONSTRAINT "sender_day_chat_id_zone_epoch_day_sender_id_pk" PRIMARY KEY("chat_id","zone_epoch","day","sender_id");--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "zone_epoch" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "next_time_zone" text;--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "next_zone_epoch" integer;--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "stale_zone_epochs" boolean DEFAULT false NOT NULL;
