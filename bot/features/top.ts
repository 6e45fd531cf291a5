import { Composer } from 'grammy'
import type { BotContext } from '../context.ts'
import { answerCommand } from '../answers/analytics-flow.ts'
import type { AnswerDeps } from '../answers/answer-deps.ts'
import { GROUPS_ONLY } from '../answers/command-gate.ts'

const REACTIONS = /^reactions?(?:\s+|$)/i

/** `/top [period]` by messages sent, `/top reactions [period]` by reactions received. */
export function topFeature(deps: AnswerDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>()
  composer.chatType(['group', 'supergroup']).command('top', (ctx) => {
    const arg = ctx.match.trim()
    return REACTIONS.test(arg)
      ? answerCommand(ctx, deps, 'top-reactions', arg.replace(REACTIONS, ''))
      : answerCommand(ctx, deps, 'top', arg)
  })
  composer.chatType('private').command('top', (ctx) => ctx.reply(GROUPS_ONLY))
  return composer
}
