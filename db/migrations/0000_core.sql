CREATE TYPE "public"."event_origin" AS ENUM('chat_member', 'service_message');--> statement-breakpoint
CREATE TYPE "public"."join_source" AS ENUM('self', 'link', 'join_request', 'folder_link', 'added');--> statement-breakpoint
CREATE TYPE "public"."member_event" AS ENUM('join', 'leave', 'kick', 'ban', 'unban');--> statement-breakpoint
CREATE TYPE "public"."message_kind" AS ENUM('text', 'photo', 'video', 'animation', 'sticker', 'voice', 'video_note', 'document', 'audio', 'poll', 'location', 'contact', 'dice', 'story', 'other');--> statement-breakpoint
CREATE TYPE "public"."sender_type" AS ENUM('user', 'bot', 'anonymous_admin', 'channel', 'unknown');--> statement-breakpoint
CREATE TABLE "chat_migrations" (
	"from_chat_id" bigint PRIMARY KEY NOT NULL,
	"to_chat_id" bigint NOT NULL,
	"migrated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chat_titles" (
	"chat_id" bigint NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"title" text NOT NULL,
	CONSTRAINT "chat_titles_chat_id_since_pk" PRIMARY KEY("chat_id","since")
);
--> statement-breakpoint
CREATE TABLE "chats" (
	"chat_id" bigint PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"title" text,
	"username" text,
	"is_forum" boolean DEFAULT false NOT NULL,
	"migrated_to_chat_id" bigint,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"commands_access" text DEFAULT 'everyone' NOT NULL,
	"bot_status" text,
	"bot_is_admin" boolean DEFAULT false NOT NULL,
	"bot_status_date" timestamp with time zone,
	"bot_warned_at" timestamp with time zone,
	"title_date" timestamp with time zone,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_names" (
	"user_id" bigint NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text,
	"username" text,
	CONSTRAINT "user_names_user_id_since_pk" PRIMARY KEY("user_id","since")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"user_id" bigint PRIMARY KEY NOT NULL,
	"is_bot" boolean DEFAULT false NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text,
	"username" text,
	"language_code" text,
	"is_premium" boolean DEFAULT false NOT NULL,
	"name_date" timestamp with time zone NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_edits" (
	"chat_id" bigint NOT NULL,
	"message_id" integer NOT NULL,
	"edit_date" timestamp with time zone NOT NULL,
	"message_date" timestamp with time zone NOT NULL,
	CONSTRAINT "message_edits_chat_id_message_id_edit_date_pk" PRIMARY KEY("chat_id","message_id","edit_date")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"chat_id" bigint NOT NULL,
	"message_id" integer NOT NULL,
	"date" timestamp with time zone NOT NULL,
	"thread_id" integer,
	"sender_id" bigint,
	"sender_type" "sender_type" NOT NULL,
	"kind" "message_kind" NOT NULL,
	"text_length" integer DEFAULT 0 NOT NULL,
	"reply_to_message_id" integer,
	"is_forward" boolean DEFAULT false NOT NULL,
	"link_count" smallint DEFAULT 0 NOT NULL,
	"mention_count" smallint DEFAULT 0 NOT NULL,
	"hashtag_count" smallint DEFAULT 0 NOT NULL,
	"edit_count" integer DEFAULT 0 NOT NULL,
	"last_edit_date" timestamp with time zone,
	CONSTRAINT "messages_chat_id_message_id_date_pk" PRIMARY KEY("chat_id","message_id","date")
);
--> statement-breakpoint
CREATE TABLE "message_reactions" (
	"chat_id" bigint NOT NULL,
	"message_id" integer NOT NULL,
	"actor_id" bigint NOT NULL,
	"reactions" text[] NOT NULL,
	"date" timestamp with time zone NOT NULL,
	CONSTRAINT "message_reactions_chat_id_message_id_actor_id_pk" PRIMARY KEY("chat_id","message_id","actor_id")
);
--> statement-breakpoint
CREATE TABLE "reaction_counts" (
	"chat_id" bigint NOT NULL,
	"message_id" integer NOT NULL,
	"date" timestamp with time zone NOT NULL,
	"reactions" jsonb NOT NULL,
	"total" integer NOT NULL,
	CONSTRAINT "reaction_counts_chat_id_message_id_pk" PRIMARY KEY("chat_id","message_id")
);
--> statement-breakpoint
CREATE TABLE "reaction_events" (
	"chat_id" bigint NOT NULL,
	"message_id" integer NOT NULL,
	"date" timestamp with time zone NOT NULL,
	"actor_id" bigint NOT NULL,
	"old_reactions" text[] NOT NULL,
	"new_reactions" text[] NOT NULL,
	"update_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bot_membership_events" (
	"chat_id" bigint NOT NULL,
	"date" timestamp with time zone NOT NULL,
	"old_status" text NOT NULL,
	"new_status" text NOT NULL,
	"actor_id" bigint,
	"update_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "member_events" (
	"chat_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"date" timestamp with time zone NOT NULL,
	"event" "member_event" NOT NULL,
	"direction" smallint NOT NULL,
	"join_source" "join_source",
	"actor_id" bigint,
	"invite_link" text,
	"invite_link_name" text,
	"origin" "event_origin" NOT NULL,
	"update_id" bigint,
	"message_id" integer
);
--> statement-breakpoint
CREATE TABLE "bot_state" (
	"bot_id" bigint PRIMARY KEY NOT NULL,
	"last_update_id" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "chat_migrations_to_idx" ON "chat_migrations" USING btree ("to_chat_id");--> statement-breakpoint
CREATE INDEX "messages_chat_date_idx" ON "messages" USING btree ("chat_id","date");--> statement-breakpoint
CREATE UNIQUE INDEX "reaction_events_update_idx" ON "reaction_events" USING btree ("update_id","date");--> statement-breakpoint
CREATE INDEX "reaction_events_chat_date_idx" ON "reaction_events" USING btree ("chat_id","date");--> statement-breakpoint
CREATE UNIQUE INDEX "bot_membership_events_update_idx" ON "bot_membership_events" USING btree ("update_id");--> statement-breakpoint
CREATE UNIQUE INDEX "member_events_natural_idx" ON "member_events" USING btree ("chat_id","user_id","direction","date");--> statement-breakpoint
CREATE INDEX "member_events_chat_date_idx" ON "member_events" USING btree ("chat_id","date");