import { Composer } from 'grammy'
import type { BotContext } from '../context.ts'
import type { AnswerDeps } from '../answers/answer-deps.ts'
import { PERIODS } from '../answers/analytics-flow.ts'
import { ADMINS_ONLY, mayUseCommands, messageSender, passCommandCooldown } from '../answers/command-gate.ts'
import { GROUP_COMMANDS, PRIVATE_COMMANDS } from './commands-menu.ts'

const list = (commands: typeof GROUP_COMMANDS) => commands.map((c) => `/${c.command} — ${c.description}`).join('\n')

/** What a private /start or /help answers: what the bot does, how to set it up, and every command. */
export const PRIVATE_HELP = [
  'I record what happens in your Telegram groups (messages, reactions, who joins and leaves) and answer with statistics there. ' +
    'I keep metadata only, never the text of messages.',
  'To start: add me to a group and make me an admin (no special rights needed), so that I can see its messages.',
  `In the group:\n${list(GROUP_COMMANDS)}`,
  `Here:\n${list(PRIVATE_COMMANDS)}`,
].join('\n\n')

export const GROUP_HELP = `${list(GROUP_COMMANDS)}\n${PERIODS}`

/** /start and /help in a private chat; /help in a group (under the command cooldowns and /access). */
export function helpFeature(deps: AnswerDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>()
  composer.chatType('private').command(['start', 'help'], (ctx) => ctx.reply(PRIVATE_HELP))
  composer.chatType(['group', 'supergroup']).command('help', async (ctx) => {
    if (!(await passCommandCooldown(ctx, deps, ctx.chat.id))) return
    // Under /access admins, the list is for admins like the commands it lists.
    const settings = await deps.queries.getChatSettings(deps.sql, ctx.chat.id)
    if (!(await mayUseCommands(ctx, ctx.chat.id, settings, messageSender(ctx)))) {
      await ctx.reply(ADMINS_ONLY)
      return
    }
    await ctx.reply(GROUP_HELP)
  })
  return composer
}
