import type { Sql } from 'postgres'

/** The highest update id the bot finished handling, as stored with the data; 0 before the first. */
export async function loadWatermark(sql: Sql, botId: number): Promise<number> {
  const [row] = await sql<{ last_update_id: string }[]>`SELECT last_update_id FROM bot_state WHERE bot_id = ${botId}::int8`
  return row ? Number(row.last_update_id) : 0
}
