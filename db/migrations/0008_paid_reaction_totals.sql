-- A paid reaction's count in an anonymous total is the Stars sent, not people reacting: totals
-- now leave it out (bot/ingest/map-update.ts). Stored totals that counted it are set to what the
-- bot now computes, so that the next rise of such a message is measured from the right base (only
-- rises count). The increments already recorded stay as they were: their Star share is not known.
UPDATE reaction_counts r
SET total = COALESCE((SELECT sum((e ->> 'count')::int) FROM jsonb_array_elements(r.reactions) e WHERE e ->> 'key' <> 'paid'), 0)::int
WHERE r.reactions @> '[{"key": "paid"}]'::jsonb;
