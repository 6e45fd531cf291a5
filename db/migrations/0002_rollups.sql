CREATE TABLE "chat_activity_15m" (
	"chat_id" bigint NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"messages" integer DEFAULT 0 NOT NULL,
	"reactions" integer DEFAULT 0 NOT NULL,
	"joins" integer DEFAULT 0 NOT NULL,
	"leaves" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "chat_activity_15m_chat_id_bucket_pk" PRIMARY KEY("chat_id","bucket")
);
--> statement-breakpoint
CREATE TABLE "chat_activity_day" (
	"chat_id" bigint NOT NULL,
	"day" date NOT NULL,
	"messages" integer DEFAULT 0 NOT NULL,
	"reactions" integer DEFAULT 0 NOT NULL,
	"joins" integer DEFAULT 0 NOT NULL,
	"leaves" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "chat_activity_day_chat_id_day_pk" PRIMARY KEY("chat_id","day")
);
--> statement-breakpoint
CREATE TABLE "chat_activity_hour" (
	"chat_id" bigint NOT NULL,
	"local_hour" timestamp NOT NULL,
	"messages" integer DEFAULT 0 NOT NULL,
	"reactions" integer DEFAULT 0 NOT NULL,
	"joins" integer DEFAULT 0 NOT NULL,
	"leaves" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "chat_activity_hour_chat_id_local_hour_pk" PRIMARY KEY("chat_id","local_hour")
);
--> statement-breakpoint
CREATE TABLE "reaction_count_changes" (
	"chat_id" bigint NOT NULL,
	"message_id" integer NOT NULL,
	"date" timestamp with time zone NOT NULL,
	"added" integer NOT NULL,
	CONSTRAINT "reaction_count_changes_chat_id_message_id_date_pk" PRIMARY KEY("chat_id","message_id","date")
);
--> statement-breakpoint
CREATE TABLE "sender_day" (
	"chat_id" bigint NOT NULL,
	"day" date NOT NULL,
	"sender_id" bigint NOT NULL,
	"messages" integer DEFAULT 0 NOT NULL,
	"reactions_received" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "sender_day_chat_id_day_sender_id_pk" PRIMARY KEY("chat_id","day","sender_id")
);
--> statement-breakpoint
CREATE TABLE "sender_total" (
	"chat_id" bigint NOT NULL,
	"sender_id" bigint NOT NULL,
	"messages" bigint DEFAULT 0 NOT NULL,
	"reactions_received" bigint DEFAULT 0 NOT NULL,
	"first_day" date,
	"last_day" date,
	CONSTRAINT "sender_total_chat_id_sender_id_pk" PRIMARY KEY("chat_id","sender_id")
);
--> statement-breakpoint
DROP INDEX "messages_chat_date_idx";--> statement-breakpoint
DROP INDEX "reaction_events_chat_date_idx";--> statement-breakpoint
ALTER TABLE "reaction_events" ADD COLUMN "added" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "sender_total_last_day_idx" ON "sender_total" USING btree ("chat_id","last_day");--> statement-breakpoint
CREATE INDEX "messages_date_brin" ON "messages" USING brin ("date");--> statement-breakpoint
CREATE INDEX "reaction_events_date_brin" ON "reaction_events" USING brin ("date");