import type { Sql } from 'postgres'
import { familyCte } from './range-memo.ts'
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
      ${familyCte(tx, chatId)}
      SELECT chat_id FROM family ORDER BY chat_id`).map((r) => r.chat_id)
    await tx`INSERT INTO chats (chat_id, type) VALUES (${chatId}, 'supergroup') ON CONFLICT DO NOTHING`
    await tx`UPDATE chats SET time_zone = ${timeZone}, updated_at = now() WHERE chat_id = ANY(${ids}::int8[])`
    await rebuildLocalRollups(tx, ids)
  })
  return { rebuiltMs: Math.round(performance.now() - started) }
}
