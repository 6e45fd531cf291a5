-- Rollup and state rows are mostly updated in place, a few times a second for a busy chat.
-- Free room in each page lets PostgreSQL keep an updated row on its page without touching the
-- indexes (a HOT update): about a third faster upserts. New pages use it; old ones keep theirs.
-- sender_day keeps less room: it is by far the largest, its rows stop changing when their day
-- is over, and range memos scan it.
-- On TimescaleDB the engine steps, which run after these, make chat_activity_15m a continuous
-- aggregate: a database set up before this migration has a view there, which takes no fillfactor.
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('chat_activity_15m') AND relkind = 'r') THEN
    ALTER TABLE "chat_activity_15m" SET (fillfactor = 70);
  END IF;
END $$;--> statement-breakpoint
ALTER TABLE "chat_activity_hour" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "chat_activity_day" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "sender_day" SET (fillfactor = 90);--> statement-breakpoint
ALTER TABLE "reaction_counts" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "message_reactions" SET (fillfactor = 80);
