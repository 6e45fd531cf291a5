import { Composer } from 'grammy'
import type { BotContext } from '../context.ts'
import { answerPeriodButton } from '../answers/analytics-flow.ts'
import type { AnswerDeps } from '../answers/answer-deps.ts'

/** The 7d · 30d · 90d · all buttons under /stats, /heatmap and /top answers. */
export function periodButtonsFeature(deps: AnswerDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>()
  composer.callbackQuery(/^p:/, (ctx) => answerPeriodButton(ctx, deps))
  return composer
}
