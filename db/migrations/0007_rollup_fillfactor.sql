-- Rollup and state rows are mostly updated in place, a few times a second for a busy chat.
-- Free room in each page lets PostgreSQL keep an updated row on its page without touching the
-- indexes (a HOT update): about a third faster upserts. New pages use it; old ones keep theirs.
-- sender_day keeps less room: it is by far the largest, its rows stop changing when their day
-- is over, and range memos scan it.
ALTER TABLE "chat_activity_15m" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "chat_activity_hour" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "chat_activity_day" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "sender_day" SET (fillfactor = 90);--> statement-breakpoint
ALTER TABLE "reaction_counts" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "message_reactions" SET (fillfactor = 80);
