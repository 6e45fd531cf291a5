import { Composer } from 'grammy'
import type { BotContext } from '../context.ts'
import { answerCommand } from '../answers/analytics-flow.ts'
import type { AnswerDeps } from '../answers/answer-deps.ts'
import { GROUPS_ONLY } from '../answers/command-gate.ts'

/** `/heatmap [period]`: messages by local weekday × hour, as a chart. */
export function heatmapFeature(deps: AnswerDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>()
  composer.chatType(['group', 'supergroup']).command('heatmap', (ctx) => answerCommand(ctx, deps, 'heatmap', ctx.match))
  composer.chatType('private').command('heatmap', (ctx) => ctx.reply(GROUPS_ONLY))
  return composer
}
