import type { Api } from 'grammy'
import type { BotCommand } from 'grammy/types'
import type { Logger } from '../logger.ts'

/** The commands group members see in Telegram's command menu. */
export const GROUP_COMMANDS: BotCommand[] = [
  { command: 'stats', description: 'Messages, members and reactions; e.g. /stats 7d' },
  { command: 'heatmap', description: 'Activity by weekday and hour' },
  { command: 'top', description: 'Top senders; /top reactions for reactions received' },
  { command: 'timezone', description: 'Show or set the time zone (admins)' },
  { command: 'access', description: 'Who may use the commands: everyone or admins' },
  { command: 'help', description: 'What each command does' },
]

/** What a private chat with the bot offers. */
export const PRIVATE_COMMANDS: BotCommand[] = [
  { command: 'channelstats', description: "Telegram's official statistics of a channel you administer" },
  { command: 'help', description: 'What this bot does and how to set it up' },
]

/** Registers the menus for groups and private chats; a failure is logged, the bot works without them. */
export async function registerCommands(api: Api, log: Logger): Promise<void> {
  try {
    await api.setMyCommands(GROUP_COMMANDS, { scope: { type: 'all_group_chats' } })
    await api.setMyCommands(PRIVATE_COMMANDS, { scope: { type: 'all_private_chats' } })
  } catch (error) {
    log.warn({ err: error }, 'could not register the command menu')
  }
}
