import { GrammyError, HttpError, type Api } from 'grammy'
import type { Logger } from '../logger.ts'

export interface Sender {
  /** The user who wrote or pressed; for anonymous posts Telegram's placeholder bot. */
  userId: number | undefined
  /** The chat the message was posted as (anonymous admins post as the group itself). */
  senderChatId: number | undefined
}

/** Whether the sender is an admin of the chat, as Telegram says now. Errors count as "no". */
export async function isChatAdmin(api: Api, chatId: number, sender: Sender, log: Logger): Promise<boolean> {
  // Only an admin can post as the group itself.
  if (sender.senderChatId === chatId) return true
  if (sender.senderChatId !== undefined || sender.userId === undefined) return false
  try {
    const member = await api.getChatMember(chatId, sender.userId)
    return member.status === 'creator' || member.status === 'administrator'
  } catch (error) {
    if (!(error instanceof GrammyError) && !(error instanceof HttpError)) throw error
    log.warn({ err: error, user_id: sender.userId }, 'could not check admin rights; treating the sender as no admin')
    return false
  }
}
