import type { ChatSettings } from '../../db/queries/chat-stats-contract.ts'
import type { BotContext } from '../context.ts'
import { isChatAdmin, type Sender } from './admin-check.ts'
import type { AnswerDeps } from './answer-deps.ts'

export const ADMINS_ONLY = 'In this chat only admins can use my commands (an admin can change that with /access everyone).'

/** Who sent the command message: the user, or the chat it was posted as. */
export function messageSender(ctx: BotContext): Sender {
  return { userId: ctx.msg?.from?.id, senderChatId: ctx.msg?.sender_chat?.id }
}

/** The id cooldowns count by: an anonymous admin is the group, never the shared placeholder user. */
export function cooldownId(sender: Sender): number | undefined {
  return sender.senderChatId ?? sender.userId
}

/**
 * True when the command may be answered now. Otherwise says "try again in N s" once per
 * cooldown and returns false.
 */
export async function passCommandCooldown(ctx: BotContext, deps: AnswerDeps, chatId: number): Promise<boolean> {
  const id = cooldownId(messageSender(ctx))
  if (id === undefined) return false
  const result = await deps.cooldowns.check(chatId, id, 'command')
  if (result.ok) return true
  if (result.notify) await ctx.reply(`⏳ Too many requests: try again in ${result.retryInSeconds} s.`)
  return false
}

/** Whether the sender may use the analytics commands under the chat's access setting. */
export async function mayUseCommands(ctx: BotContext, chatId: number, settings: ChatSettings, sender: Sender): Promise<boolean> {
  if (settings.commandsAccess !== 'admins') return true
  return isChatAdmin(ctx.api, chatId, sender, ctx.log)
}

export const GROUPS_ONLY = 'I answer this in groups: add me to a group (as an admin, so I can see the messages) and send the command there.'
