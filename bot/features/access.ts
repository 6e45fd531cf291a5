import { Composer } from 'grammy'
import type { BotContext } from '../context.ts'
import { isChatAdmin } from '../answers/admin-check.ts'
import type { AnswerDeps } from '../answers/answer-deps.ts'
import { GROUPS_ONLY, messageSender, passCommandCooldown } from '../answers/command-gate.ts'

const USAGE = 'Usage: /access everyone — anyone may use /stats, /heatmap and /top (the default)\n/access admins — only admins may'

const STATE = {
  everyone: 'Everyone here may use /stats, /heatmap and /top.',
  admins: 'Only admins here may use /stats, /heatmap and /top.',
} as const

/** `/access [everyone|admins]`: who may use the analytics commands; only admins change it. */
export function accessFeature(deps: AnswerDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>()
  composer.chatType(['group', 'supergroup']).command('access', async (ctx) => {
    const chatId = ctx.chat.id
    if (!(await passCommandCooldown(ctx, deps, chatId))) return
    const arg = ctx.match.trim().toLowerCase()
    if (!arg) {
      const { commandsAccess } = await deps.queries.getChatSettings(deps.sql, chatId)
      await ctx.reply(`${STATE[commandsAccess]}\n${USAGE}`)
      return
    }
    if (arg !== 'everyone' && arg !== 'admins') {
      await ctx.reply(USAGE)
      return
    }
    if (!(await isChatAdmin(ctx.api, chatId, messageSender(ctx), ctx.log))) {
      await ctx.reply('Only the admins of this chat can change who may use the commands.')
      return
    }
    // The setting lives on the chat's row, which this very message may be the first to create.
    await ctx.stored
    await deps.queries.setCommandsAccess(deps.sql, chatId, arg)
    await ctx.reply(`Done. ${STATE[arg]}`)
  })
  composer.chatType('private').command('access', (ctx) => ctx.reply(GROUPS_ONLY))
  return composer
}
