import type { Sql } from 'postgres'
import { rebuildLocalRollups } from './rebuild-rollups.ts'

/**
 * Sets the zone of the chat (and the groups it was upgraded from) and rebuilds, in the same
 * transaction, every rollup keyed by local time. Ingest batches take a share lock on the chat
 * rows they roll up, so none is counted in the old zone after this commits.
 */
export async function setChatTimeZone(sql: Sql, chatId: number, timeZone: string): Promise<{ rebuiltMs: number }> {
  const started = performance.now()
  await sql.begin(async (tx) => {
    const ids = (await tx<{ chat_id: string }[]>`
      WITH RECURSIVE family AS (
        SELECT ${chatId}::int8 AS chat_id
        UNION SELECT m.from_chat_id FROM chat_migrations m JOIN family f ON m.to_chat_id = f.chat_id
      )
      SELECT chat_id FROM family ORDER BY chat_id`).map((r) => r.chat_id)
    await tx`INSERT INTO chats (chat_id, type) VALUES (${chatId}, 'supergroup') ON CONFLICT DO NOTHING`
    await tx`UPDATE chats SET time_zone = ${timeZone}, updated_at = now() WHERE chat_id = ANY(${ids}::int8[])`
    await rebuildLocalRollups(tx, ids)
  })
  return { rebuiltMs: Math.round(performance.now() - started) }
}
