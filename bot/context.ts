import type { Context } from 'grammy'
import type { Logger } from './logger.ts'

/** grammY's context plus a logger bound to the update (update_id, chat_id). */
export type BotContext = Context & {
  log: Logger
  /** Resolves once this update's rows are committed (at once if it had none). */
  stored: Promise<void>
}
