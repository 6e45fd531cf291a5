import { Composer } from 'grammy'
import type { BotContext } from '../context.ts'
import { answerCommand } from '../answers/analytics-flow.ts'
import type { AnswerDeps } from '../answers/answer-deps.ts'
import { GROUPS_ONLY } from '../answers/command-gate.ts'

/** `/stats [period]`: the chat's figures against the previous period, with a daily chart. */
export function statsFeature(deps: AnswerDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>()
  composer.chatType(['group', 'supergroup']).command('stats', (ctx) => answerCommand(ctx, deps, 'stats', ctx.match))
  composer.chatType('private').command('stats', (ctx) => ctx.reply(GROUPS_ONLY))
  return composer
}
