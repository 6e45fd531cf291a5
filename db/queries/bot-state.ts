import type { Sql } from 'postgres'

/** The highest update id the bot finished handling, as stored with the data; 0 before the first. */
export async function loadWatermark(sql: Sql, botId: number): Promise<number> {
  const [row] = await sql<{ last_update_id: string }[]>`SELECT last_update_id FROM bot_state WHERE bot_id = ${botId}::int8`
  return row ? Number(row.last_update_id) : 0
}

/** Stores `updateId` as the watermark even if lower than the one stored (Telegram numbered updates anew). */
export async function replaceWatermark(sql: Sql, botId: number, updateId: number): Promise<void> {
  await sql`INSERT INTO bot_state (bot_id, last_update_id, updated_at) VALUES (${botId}::int8, ${updateId}::int8, now())
    ON CONFLICT (bot_id) DO UPDATE SET last_update_id = excluded.last_update_id, updated_at = now()`
}
