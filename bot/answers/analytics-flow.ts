import type { ChatSettings } from '../../db/queries/chat-stats-contract.ts'
import type { BotContext } from '../context.ts'
import { parsePeriod, resolvePeriod, type PeriodSpec, type ResolvedPeriod } from '../periods.ts'
import type { Answer } from './answer-cache.ts'
import type { AnswerDeps } from './answer-deps.ts'
import { ADMINS_ONLY, mayUseCommands, messageSender, passCommandCooldown } from './command-gate.ts'
import { inert } from './format.ts'
import { buildHeatmapAnswer } from './heatmap-answer.ts'
import { decodeButton, periodKeyboard, type AnswerKind } from './keyboards.ts'
import { editToAnswer, replyWithAnswer } from './send-answer.ts'
import { buildStatsAnswer } from './stats-answer.ts'
import { buildTopAnswer } from './top-answer.ts'

const COMMAND: Record<AnswerKind, string> = { stats: '/stats', heatmap: '/heatmap', top: '/top', 'top-reactions': '/top reactions' }

/** Every period form the commands take. */
export const PERIODS = 'Periods: today, yesterday, 7d, 30d (the default), 90d, 1y, all, a month such as 2026-10, or a range such as 2026-10-01..2026-10-31.'

export function usage(kind: AnswerKind): string {
  return [
    `Usage: ${COMMAND[kind]} [period]`,
    PERIODS,
    `Example: ${COMMAND[kind]} 7d`,
  ].join('\n')
}

/** /stats, /heatmap, /top [reactions]: cooldown, access, period, then the (cached) answer. */
export async function answerCommand(ctx: BotContext, deps: AnswerDeps, kind: AnswerKind, periodArg: string): Promise<void> {
  const chatId = ctx.chat?.id
  if (chatId === undefined || !(await passCommandCooldown(ctx, deps, chatId))) return
  // Wait until this update's own rows are stored: the answer then counts the command itself, and
  // is cached under the chat's generation after that commit rather than the one it replaces.
  await ctx.stored
  const settings = await deps.queries.getChatSettings(deps.sql, chatId)
  if (!(await mayUseCommands(ctx, chatId, settings, messageSender(ctx)))) {
    await ctx.reply(ADMINS_ONLY)
    return
  }
  const spec = parsePeriod(periodArg)
  const period = 'error' in spec ? spec : resolve(spec, settings, deps)
  if ('error' in period) {
    await ctx.reply(`Sorry, ${inert(period.error, 160)}.\n${usage(kind)}`)
    return
  }
  const answer = await buildAnswer(deps, chatId, settings, kind, period)
  await replyWithAnswer(ctx, answer, periodKeyboard(kind, period.key, chatId))
}

const EXPIRED = 'This button has expired. Send the command again for fresh figures.'

/** A period button under an answer: the same message is edited to the new period. */
export async function answerPeriodButton(ctx: BotContext, deps: AnswerDeps): Promise<void> {
  try {
    await switchPeriod(ctx, deps)
  } catch (error) {
    // Still answer, so the button stops spinning; the error itself goes on to bot.catch.
    await ctx.answerCallbackQuery({ text: 'Sorry, that did not work. Please try again in a moment.' }).catch(() => {})
    throw error
  }
}

async function switchPeriod(ctx: BotContext, deps: AnswerDeps): Promise<void> {
  const query = ctx.callbackQuery
  if (!query) return
  const button = decodeButton(query.data ?? '')
  const message = query.message
  // An inaccessible message (too old for the bot to see) has date 0.
  if (!button || !message || message.date === 0 || (message.chat.type !== 'group' && message.chat.type !== 'supergroup')) {
    await ctx.answerCallbackQuery({ text: EXPIRED })
    return
  }
  const chatId = message.chat.id
  if (button.chatId !== chatId) {
    await ctx.answerCallbackQuery({ text: 'This button belongs to another chat.' })
    return
  }
  const spec = parsePeriod(button.period)
  if ('error' in spec) {
    await ctx.answerCallbackQuery({ text: EXPIRED })
    return
  }
  const wait = await deps.cooldowns.check(chatId, query.from.id, 'button')
  if (!wait.ok) {
    await ctx.answerCallbackQuery({ text: `⏳ Too many requests: try again in ${wait.retryInSeconds} s.` })
    return
  }
  const settings = await deps.queries.getChatSettings(deps.sql, chatId)
  if (!(await mayUseCommands(ctx, chatId, settings, { userId: query.from.id, senderChatId: undefined }))) {
    await ctx.answerCallbackQuery({ text: ADMINS_ONLY, show_alert: true })
    return
  }
  const period = resolve(spec, settings, deps)
  if ('error' in period) {
    await ctx.answerCallbackQuery({ text: period.error })
    return
  }
  const answer = await buildAnswer(deps, chatId, settings, button.kind, period)
  const outcome = await editToAnswer(ctx, answer, periodKeyboard(button.kind, period.key, chatId))
  await ctx.answerCallbackQuery(outcome === 'gone' ? { text: EXPIRED } : {})
}

function resolve(spec: PeriodSpec, settings: ChatSettings, deps: AnswerDeps): ResolvedPeriod | { error: string } {
  return resolvePeriod(spec, { now: deps.now(), timeZone: settings.timeZone, firstDay: settings.firstDay })
}

function buildAnswer(deps: AnswerDeps, chatId: number, settings: ChatSettings, kind: AnswerKind, period: ResolvedPeriod): Promise<Answer> {
  // Everything the answer depends on besides the data itself, whose changes bump the generation.
  const what = [kind, period.key, period.range.from, period.range.to, settings.timeZone, settings.title ?? ''].join('\n')
  return deps.cache.getOrBuild(chatId, what, () => {
    switch (kind) {
      case 'stats':
        return buildStatsAnswer(deps, chatId, settings, period)
      case 'heatmap':
        return buildHeatmapAnswer(deps, chatId, settings, period)
      case 'top':
        return buildTopAnswer(deps, chatId, settings, period, 'messages')
      case 'top-reactions':
        return buildTopAnswer(deps, chatId, settings, period, 'reactions')
    }
  })
}
