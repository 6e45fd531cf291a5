import { closeSync } from 'node:fs'
import { isatty } from 'node:tty'
import { Api, GrammyError, HttpError, type Bot } from 'grammy'
import type { UserFromGetMe } from 'grammy/types'
import type { BotContext } from './context.ts'
import { ConfigError, loadConfig, type Config } from './config.ts'
import { configSecrets, createLogger, hiddenForms, redact, tokenSecret, type Logger } from './logger.ts'
import { createBot } from './create-bot.ts'
import { BatchWriter } from './ingest/batch-writer.ts'
import { startPolling, type Polling } from './polling/run-polling.ts'
import { startMemoWarmer } from './jobs/warm-range-memos.ts'
import type { Redis } from 'ioredis'
import { createRedis } from './redis.ts'
import { AnswerCache } from './answers/answer-cache.ts'
import { createKvStore } from './answers/redis-store.ts'
import { registerCommands } from './features/commands-menu.ts'
import { DatabaseSetupError, startDatabase, type StartedDatabase } from './start-database.ts'
import { chartRenderer } from './render/index.ts'
import { checkHealthFile, startHeartbeat } from './health-file.ts'
import { loadWatermark } from '../db/queries/bot-state.ts'
import { missingDriverFixes } from '../db/driver-check.ts'
import { resumeZoneChanges } from '../db/queries/set-chat-time-zone.ts'

const SHUTDOWN_GRACE_MS = 25_000
/** What a crash's last line hides once the configuration is read; before that, the token's secret part. */
let crashSecrets: (string | undefined)[] = []
/** Longest time without an answer from getUpdates that still counts as healthy (HEALTH_FILE). */
const HEALTHY_SILENCE_MS = 90_000
/** How long the stop waits for Telegram to take the last offset (within SHUTDOWN_GRACE_MS). */
const CONFIRM_TIMEOUT_MS = 10_000

async function main(): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
    if (config.healthFile) checkHealthFile(config.healthFile)
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const line of error.message.split('\n')) process.stderr.write(`Configuration error: ${line}\n`)
      process.exit(1)
    }
    throw error
  }
  crashSecrets = configSecrets(config)
  const log = createLogger(config.logLevel, { secrets: crashSecrets })
  releaseClosedTerminalsAtExit()
  const missingFixes = missingDriverFixes()
  if (missingFixes.length > 0) {
    log.fatal({ missing: missingFixes }, 'postgres.js lacks fixes this bot needs (was npm run with --ignore-scripts?); apply them with: node db/patch-driver.mjs')
    process.exit(1)
  }
  const stopping = new AbortController()
  let polling: Polling | undefined
  // The database while it is being set up, too: a stop then waits for an embedded server that
  // was starting, to stop it rather than leave it running.
  let starting: Promise<StartedDatabase> | undefined
  let database: StartedDatabase | undefined
  let memoWarmer: { stop(): void } | undefined
  let writer: BatchWriter | undefined
  let bot: Bot<BotContext> | undefined
  let redis: Redis | undefined

  // `confirm`: tell Telegram which updates are done with a last getUpdates. Not after a conflict:
  // that call would end the other process's poll in turn, and both would stop.
  const shutdown = async (signal: string, exitCode = 0, confirm = true) => {
    if (stopping.signal.aborted) return
    stopping.abort()
    log.info({ signal }, 'stopping: finishing the updates in flight')
    const forced = setTimeout(() => {
      // Nothing uncommitted was confirmed to Telegram, so it will be delivered again.
      log.error('could not finish in time; exiting without confirming the last updates')
      process.exit(1)
    }, SHUTDOWN_GRACE_MS)
    try {
      await polling?.stop()
      await writer?.close()
      if (polling && bot && confirm) await confirmOffset(bot.api, polling.tracker.nextOffset, log)
      memoWarmer?.stop()
      // An embedded server that is starting is waited for, to be stopped; a connection to
      // DATABASE_URL that is being made is not (it can take the driver's 30 s to fail).
      const db = database ?? (config.databaseUrl ? undefined : await starting?.catch(() => undefined))
      await db?.close()
      await db?.stopEmbedded()
      await chartRenderer().close()
      redis?.disconnect()
      clearTimeout(forced)
      log.info('stopped')
      process.exit(exitCode)
    } catch (error) {
      log.error({ err: error }, 'error while stopping')
      process.exit(1)
    }
  }
  // SIGHUP: the terminal was closed; its writes now fail (EIO) and are dropped by the logger.
  // (`nohup` cannot keep the bot running through it: Node resets an ignored SIGHUP at start, so
  // without this handler the bot would be killed mid-batch instead.)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal))

  const botInfo = await fetchBotInfo(config, log)
  try {
    starting = startDatabase(config, log, stopping.signal)
    database = await starting
  } catch (error) {
    if (stopping.signal.aborted) return
    if (!(error instanceof DatabaseSetupError)) throw error
    log.fatal(error.message)
    process.exit(1)
  }
  if (stopping.signal.aborted) return
  log.info({ engine: database.migration.engine }, 'storage engine')
  redis = config.redisUrl ? createRedis(config.redisUrl, log) : undefined
  // A failed connect is logged by the client, which keeps retrying; meanwhile memory serves.
  redis?.connect().catch(() => {})
  const store = createKvStore(redis, log)
  const answerCache = new AnswerCache(store, { ttlMs: config.answerCacheTtlSeconds * 1000 })
  writer = new BatchWriter(database.sql, {
    maxRows: config.batchMaxRows,
    maxDelayMs: config.batchMaxDelayMs,
    lanes: config.batchLanes,
    log,
    botId: config.botId,
    engine: database.migration.engine,
    onCommitted: (summary) => answerCache.invalidateChats(summary.chatIds),
  })
  bot = createBot({
    token: config.botToken,
    apiRoot: config.apiRoot,
    sql: database.sql,
    writer,
    log,
    warnWithoutAdmin: config.warnWithoutAdmin,
    analytics: { store, answerCache, cooldowns: config.cooldowns },
    botInfo,
  })
  // Telegram may be unreachable for a while (network not up yet): keep trying, except on a bad token.
  // getMe is called here rather than through bot.init(), which retries network errors itself,
  // silently and for ever: a wrong TELEGRAM_API_ROOT or no network would go unsaid.
  for (let delay = 1000; ; delay = Math.min(delay * 2, 60_000)) {
    try {
      if (!bot.isInited()) bot.botInfo = await bot.api.getMe()
      await bot.api.deleteWebhook()
      break
    } catch (error) {
      if (stopping.signal.aborted) return
      if (isTokenRejected(error)) {
        log.fatal(TOKEN_REJECTED)
        // Through the stop: the database is set up by now, and an embedded server is stopped too.
        void shutdown('token-rejected', 1, false)
        return
      }
      log.error({ err: error, apiRoot: config.apiRoot, retryInMs: delay }, 'cannot reach the Bot API; retrying')
      await new Promise((r) => setTimeout(r, delay))
    }
  }
  // A stop during any of these awaits has closed the database: nothing more starts.
  if (stopping.signal.aborted) return
  await registerCommands(bot.api, log)
  if (stopping.signal.aborted) return
  const handledUpTo = await loadWatermark(database.sql, config.botId).catch((error: unknown) => {
    if (stopping.signal.aborted) return undefined
    throw error
  })
  if (handledUpTo === undefined || stopping.signal.aborted) return
  log.info({ bot: bot.botInfo.username, handledUpTo }, 'polling for updates')
  polling = startPolling(bot, writer, log, handledUpTo)
  memoWarmer = startMemoWarmer(database.sql, log)
  chartRenderer().warmUp().catch((error: unknown) => log.error({ err: error }, 'the chart thread did not start; charts will be retried on demand'))
  resumeZoneChanges(database.sql).then(
    ({ resumed, cleaned }) => {
      if (resumed.length + cleaned.length > 0) log.info({ resumed, cleaned }, 'finished time zone changes a restart interrupted')
    },
    (error: unknown) => log.error({ err: error }, 'could not finish the time zone changes a restart interrupted; retried at the next start'),
  )
  // Healthy: polling, the last commit succeeded, and Telegram answered lately (a poll is given up
  // after 60 s without an answer, and a Telegram that keeps failing would go unseen otherwise).
  if (config.healthFile) {
    startHeartbeat(config.healthFile, () => polling?.runner.isRunning() === true && !writer!.failing && polling.silentForMs() < HEALTHY_SILENCE_MS, log)
  }
  const task = polling.runner.task()
  if (task) {
    task.catch((error) => {
      if (error instanceof GrammyError && error.error_code === 409) {
        // Telegram ended this poll for another process's (most often a newer one): this one gives way.
        log.fatal({ description: error.description }, 'another process polls with this bot token (or a webhook was set); stopping and leaving the updates to it')
        void shutdown('conflict', 1, false)
        return
      }
      if (isTokenRejected(error)) {
        log.fatal('Telegram rejected BOT_TOKEN (401 Unauthorized) while polling: the token was revoked or changed; set the new one from @BotFather')
        void shutdown('token-rejected', 1, false)
        return
      }
      log.fatal({ err: error }, 'polling stopped with an error')
      void shutdown('polling-error', 1)
    })
  }
}

/**
 * One getMe before the database is set up, which can take a while (initdb on a first start), so
 * that a token Telegram rejects is said at once. Telegram out of reach holds the start up 5 s at
 * most: getMe is asked again, and again, once the database is ready.
 */
async function fetchBotInfo(config: Config, log: Logger): Promise<UserFromGetMe | undefined> {
  try {
    return await new Api(config.botToken, { apiRoot: config.apiRoot, timeoutSeconds: 5 }).getMe()
  } catch (error) {
    if (isTokenRejected(error)) {
      log.fatal(TOKEN_REJECTED)
      process.exit(1)
    }
    // The reason alone: the retries after setup log the whole error if it lasts.
    const reason = error instanceof HttpError ? error.error : error
    log.warn({ apiRoot: config.apiRoot, reason: reason instanceof Error ? reason.message : String(reason) },
      'cannot reach the Bot API to check BOT_TOKEN; setting up the database meanwhile')
    return undefined
  }
}

const isTokenRejected = (error: unknown): boolean => error instanceof GrammyError && error.error_code === 401
const TOKEN_REJECTED = 'Telegram rejected BOT_TOKEN (401 Unauthorized); check the token with @BotFather'

/**
 * Node 20 aborts at exit when it cannot restore the settings of a terminal closed meanwhile
 * (nodejs/node#51519), so a SIGHUP's graceful stop would end in SIGABRT; it skips a closed descriptor.
 */
function releaseClosedTerminalsAtExit(): void {
  const terminals = [0, 1, 2].filter((fd) => isatty(fd))
  process.on('exit', () => {
    // A hung-up terminal no longer answers as one.
    for (const fd of terminals) if (!isatty(fd)) closeSync(fd)
  })
}

// A final getUpdates with the next offset tells Telegram the handled updates are done.
async function confirmOffset(api: Api, offset: number, log: Logger): Promise<void> {
  if (offset === 0) return
  try {
    // A hung connection would otherwise hold the stop until SHUTDOWN_GRACE_MS ends it with exit 1.
    await api.getUpdates({ offset, limit: 1, timeout: 0 }, AbortSignal.timeout(CONFIRM_TIMEOUT_MS) as never)
  } catch (error) {
    log.warn({ err: error }, 'could not confirm the last offset; those updates will be seen again and skipped')
  }
}

main().catch((error) => {
  const text = `fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
  const token = process.env.BOT_TOKEN
  const secrets = crashSecrets.length > 0 ? crashSecrets : [token && tokenSecret(token)]
  process.stderr.write(redact(text, hiddenForms(secrets)))
  process.exit(1)
})
