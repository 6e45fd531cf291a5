import { Composer } from 'grammy'
import type { Sql } from 'postgres'
import type { BotContext } from '../context.ts'
import { claimNoAdminWarning } from '../../db/queries/bot-membership.ts'

export const NO_ADMIN_WARNING =
  "👋 Thanks for adding me! I'm not an admin here, so Telegram only shows me commands: " +
  "I can't see ordinary messages, reactions, or who joins and leaves, and my statistics would be incomplete.\n\n" +
  'To fix it, an admin opens the group settings → Administrators → Add Admin and picks me. ' +
  'No special rights are needed; I only read.'

/** Says once, in the group, what the bot cannot see when it was added without admin rights. */
export function botMembershipFeature(sql: Sql, enabled: boolean): Composer<BotContext> {
  const composer = new Composer<BotContext>()
  composer.on('my_chat_member', async (ctx, next) => {
    await next()
    if (!enabled || (ctx.chat.type !== 'group' && ctx.chat.type !== 'supergroup')) return
    const status = ctx.myChatMember.new_chat_member.status
    if (status !== 'member' && status !== 'restricted') return
    await ctx.stored
    if (!(await claimNoAdminWarning(sql, ctx.chat.id))) return
    try {
      await ctx.api.sendMessage(ctx.chat.id, NO_ADMIN_WARNING)
    } catch (error) {
      ctx.log.warn({ err: error }, 'could not post the missing-admin-rights note')
    }
  })
  return composer
}
