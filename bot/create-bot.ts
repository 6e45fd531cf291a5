import { Bot, BotError, GrammyError, HttpError } from 'grammy'
import type { Update, UserFromGetMe } from 'grammy/types'
import { autoRetry } from '@grammyjs/auto-retry'
import type { Sql } from 'postgres'
import type { BotContext } from './context.ts'
import type { Logger } from './logger.ts'
import type { BatchWriter } from './ingest/batch-writer.ts'
import { ingestMiddleware } from './ingest/ingest-middleware.ts'
import { botMembershipFeature } from './features/bot-membership.ts'
import * as chatStats from '../db/queries/chat-stats.ts'
import { createAnswerDeps, type AnalyticsOptions } from './answers/answer-deps.ts'
import { statsFeature } from './features/stats.ts'
import { heatmapFeature } from './features/heatmap.ts'
import { topFeature } from './features/top.ts'
import { periodButtonsFeature } from './features/period-buttons.ts'
import { timezoneFeature } from './features/timezone.ts'
import { accessFeature } from './features/access.ts'
import { helpFeature } from './features/help.ts'
import { createChannelStatsFeature } from './features/channel-stats.ts'

export interface BotDeps {
  token: string
  apiRoot: string
  botInfo?: UserFromGetMe
  sql: Sql
  writer: BatchWriter
  log: Logger
  warnWithoutAdmin: boolean
  /** Cache store, answer cache, cooldowns and clock of /stats, /heatmap, /top; defaults in process. */
  analytics?: AnalyticsOptions
}

/** Builds the bot; starts nothing (main.ts does). */
export function createBot(deps: BotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(deps.token, { client: { apiRoot: deps.apiRoot }, botInfo: deps.botInfo })
  // Honour 429 retry_after and retry Telegram's 5xx on outgoing calls; give up on long waits.
  // Network errors are handed back: auto-retry would retry them silently, for ever and with
  // waits growing to an hour, so an unreachable Bot API would go unsaid and polling would resume
  // long after the network does. Startup and getUpdates log them and retry on their own terms;
  // a reply that cannot be sent fails and is logged.
  // getUpdates goes around it: the fetcher retries it, saying each failure, and bounds each request,
  // a bound that auto-retry's silent waits on a 5xx (3 + 6 + 12 + 24 s) would eat into.
  const retry = autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30, rethrowHttpErrors: true })
  bot.api.config.use((prev, method, payload, signal) => (method === 'getUpdates' ? prev(method, payload, signal) : retry(prev, method, payload, signal)))

  bot.use((ctx, next) => {
    // Built on first use: most updates are stored silently and never log.
    let child: Logger | undefined
    Object.defineProperty(ctx, 'log', {
      get: () => (child ??= deps.log.child({ update_id: ctx.update.update_id, chat_id: ctx.chat?.id })),
    })
    return next()
  })
  bot.use(ingestMiddleware(deps.writer))
  // Most updates are only recorded; the features below answer commands, buttons and the bot's
  // own membership, so everything else skips them with one check.
  const features = bot.filter((ctx) => needsFeatures(ctx.update))
  features.use(botMembershipFeature(deps.sql, deps.warnWithoutAdmin))
  const answers = createAnswerDeps(deps.sql, chatStats, deps.analytics)
  features.use(statsFeature(answers), heatmapFeature(answers), topFeature(answers), periodButtonsFeature(answers))
  features.use(timezoneFeature(answers), accessFeature(answers), helpFeature(answers))
  features.use(createChannelStatsFeature({ sql: deps.sql, log: deps.log }))

  bot.catch((error) => logBotError(error, deps.log))
  return bot
}

/**
 * What the runner calls for each update. Most updates are only recorded: they go straight to
 * the writer, without a grammY context or middleware, which would cost more than recording them.
 */
export function updateHandler(bot: Bot<BotContext>, writer: BatchWriter): (update: Update) => Promise<void> {
  return (update) => (needsFeatures(update) ? bot.handleUpdate(update) : writer.record(update))
}

function needsFeatures(u: Update): boolean {
  if (u.callback_query || u.my_chat_member) return true
  const entity = u.message?.entities?.[0] ?? u.message?.caption_entities?.[0]
  return entity !== undefined && entity.type === 'bot_command' && entity.offset === 0
}

export function logBotError(error: unknown, log: Logger): void {
  if (!(error instanceof BotError)) {
    log.error({ err: error }, 'error while handling an update')
    return
  }
  const ctxLog = (error as BotError<BotContext>).ctx?.log ?? log
  const cause = error.error
  if (cause instanceof GrammyError) {
    ctxLog.warn({ method: cause.method, code: cause.error_code, description: cause.description }, 'Telegram refused a call')
  } else if (cause instanceof HttpError) {
    ctxLog.warn({ err: cause.error }, 'network error talking to the Bot API')
  } else {
    ctxLog.error({ err: cause }, 'error while handling an update')
  }
}
