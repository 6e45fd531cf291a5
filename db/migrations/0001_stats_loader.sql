CREATE TABLE "channel_admins" (
	"channel_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"status" text NOT NULL,
	"fetched_at" timestamp with time zone NOT NULL,
	CONSTRAINT "channel_admins_channel_id_user_id_pk" PRIMARY KEY("channel_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "channel_buckets" (
	"channel_id" bigint NOT NULL,
	"period_end" date NOT NULL,
	"metric" text NOT NULL,
	"bucket" integer NOT NULL,
	"value" double precision NOT NULL,
	CONSTRAINT "channel_buckets_channel_id_metric_period_end_bucket_pk" PRIMARY KEY("channel_id","metric","period_end","bucket")
);
--> statement-breakpoint
CREATE TABLE "channel_daily" (
	"channel_id" bigint NOT NULL,
	"day" date NOT NULL,
	"metric" text NOT NULL,
	"value" double precision NOT NULL,
	CONSTRAINT "channel_daily_channel_id_metric_day_pk" PRIMARY KEY("channel_id","metric","day")
);
--> statement-breakpoint
CREATE TABLE "channel_overview" (
	"channel_id" bigint NOT NULL,
	"fetched_on" date NOT NULL,
	"metric" text NOT NULL,
	"current" double precision NOT NULL,
	"previous" double precision NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"fetched_at" timestamp with time zone NOT NULL,
	CONSTRAINT "channel_overview_channel_id_metric_fetched_on_pk" PRIMARY KEY("channel_id","metric","fetched_on")
);
--> statement-breakpoint
CREATE TABLE "channel_post_interactions" (
	"channel_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"item_id" integer NOT NULL,
	"views" integer NOT NULL,
	"forwards" integer NOT NULL,
	"reactions" integer NOT NULL,
	"fetched_at" timestamp with time zone NOT NULL,
	CONSTRAINT "channel_post_interactions_channel_id_kind_item_id_pk" PRIMARY KEY("channel_id","kind","item_id")
);
--> statement-breakpoint
CREATE TABLE "channel_top_members" (
	"channel_id" bigint NOT NULL,
	"fetched_on" date NOT NULL,
	"role" text NOT NULL,
	"user_id" bigint NOT NULL,
	"rank" smallint NOT NULL,
	"messages" integer,
	"avg_chars" integer,
	"deleted" integer,
	"kicked" integer,
	"banned" integer,
	"invitations" integer,
	"first_name" text,
	"username" text,
	CONSTRAINT "channel_top_members_channel_id_fetched_on_role_user_id_pk" PRIMARY KEY("channel_id","fetched_on","role","user_id")
);
--> statement-breakpoint
CREATE TABLE "stats_channels" (
	"channel_id" bigint PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"username" text,
	"can_view_stats" boolean NOT NULL,
	"stats_dc" smallint,
	"last_status" text NOT NULL,
	"last_error" text,
	"not_before" timestamp with time zone,
	"last_loaded_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stats_metrics" (
	"channel_id" bigint NOT NULL,
	"metric" text NOT NULL,
	"graph" text NOT NULL,
	"column_id" text NOT NULL,
	"label" text NOT NULL,
	"chart_type" text NOT NULL,
	"axis" text NOT NULL,
	"color" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "stats_metrics_channel_id_metric_pk" PRIMARY KEY("channel_id","metric")
);
--> statement-breakpoint
CREATE TABLE "stats_raw" (
	"channel_id" bigint NOT NULL,
	"key" text NOT NULL,
	"fetched_on" date NOT NULL,
	"kind" text NOT NULL,
	"was_async" boolean DEFAULT false NOT NULL,
	"json" text,
	"error" text,
	"fetched_at" timestamp with time zone NOT NULL,
	CONSTRAINT "stats_raw_channel_id_key_fetched_on_pk" PRIMARY KEY("channel_id","key","fetched_on")
);
