CREATE TABLE "range_memo" (
	"chat_id" bigint NOT NULL,
	"from_day" date NOT NULL,
	"to_day" date NOT NULL,
	"history_version" bigint NOT NULL,
	"active_users" integer NOT NULL,
	"messages_total" bigint NOT NULL,
	"reactions_total" bigint NOT NULL,
	"used_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "range_memo_chat_id_from_day_to_day_pk" PRIMARY KEY("chat_id","from_day","to_day")
);
--> statement-breakpoint
CREATE TABLE "range_memo_senders" (
	"chat_id" bigint NOT NULL,
	"from_day" date NOT NULL,
	"to_day" date NOT NULL,
	"sender_id" bigint NOT NULL,
	"messages" integer NOT NULL,
	"reactions_received" integer NOT NULL,
	CONSTRAINT "range_memo_senders_chat_id_from_day_to_day_sender_id_pk" PRIMARY KEY("chat_id","from_day","to_day","sender_id")
);
--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "history_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "range_memo_senders_messages_idx" ON "range_memo_senders" USING btree ("chat_id","from_day","to_day","messages" DESC NULLS LAST,"sender_id");--> statement-breakpoint
CREATE INDEX "range_memo_senders_reactions_idx" ON "range_memo_senders" USING btree ("chat_id","from_day","to_day","reactions_received" DESC NULLS LAST,"sender_id");