import type { Sql } from 'postgres'

/**
 * True exactly once per stretch of time the bot sits in the chat without admin rights:
 * the caller that gets true sends the warning.
 */
export async function claimNoAdminWarning(sql: Sql, chatId: number): Promise<boolean> {
  const rows = await sql`
    UPDATE chats SET bot_warned_at = now()
    WHERE chat_id = ${chatId} AND bot_warned_at IS NULL AND bot_status IN ('member', 'restricted')
    RETURNING chat_id`
  return rows.length === 1
}
