import type { Logger } from 'pino'
import { connectDatabase, type Database } from '../db/client.ts'
import { migrateDatabase } from '../db/migrate.ts'
import { createStatsClient } from './client.ts'
import { ConfigError, loadConfig, type LoaderConfig } from './config.ts'
import { connectClient, SessionError } from './connect-client.ts'
import { loadAllPeers } from './load-all-peers.ts'
import { scheduleRuns } from './schedule-runs.ts'
import { createLogger } from '../bot/logger.ts'

// Exit codes: 0 done (or disabled); 1 every peer failed, or the session is unusable; 2 bad configuration.
const EXIT_OK = 0
const EXIT_FAILED = 1
const EXIT_CONFIG = 2

async function main(): Promise<number> {
  let config
  try {
    config = loadConfig(process.env, process.argv.slice(2))
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    createLogger('info', { service: 'stats-loader' }).fatal(`stats-loader configuration is invalid:\n${error.message}`)
    return EXIT_CONFIG
  }
  const log = createLogger(config.logLevel, { service: 'stats-loader', secrets: config.enabled ? [config.apiHash, config.session] : [] })
  if (!config.enabled) {
    log.info(`stats-loader is disabled (${config.reason}); nothing to do`)
    return EXIT_OK
  }
  const database = connectDatabase(config.databaseUrl, { max: config.concurrency + 2, applicationName: 'stats-loader' })
  try {
    await migrateDatabase(database.sql, log)
    if (!config.schedule) return (await runOnce(config, database, log)) === 'ok' ? EXIT_OK : EXIT_FAILED
    return await runScheduled(config, config.schedule, database, log)
  } finally {
    await database.close()
  }
}

type RunResult = 'ok' | 'all_failed' | 'unreachable' | 'session_unusable'

async function runOnce(config: LoaderConfig, database: Database, log: Logger): Promise<RunResult> {
  let connected
  try {
    connected = await connectClient({ ...config, connectTimeoutMs: config.requestTimeoutMs, log })
  } catch (error) {
    if (error instanceof SessionError) {
      log.error(error.message)
      return 'session_unusable'
    }
    log.error({ err: error }, 'could not connect to Telegram')
    return 'unreachable'
  }
  try {
    log.info({ account: connected.selfId, home_dc: connected.homeDc, peers: config.peers.length }, 'loading Telegram statistics')
    const client = createStatsClient(connected.invoker, {
      ...config,
      onRetry: (event) => log.warn(event, 'retrying an MTProto request'),
    })
    const summary = await loadAllPeers({ client, sql: database.sql, log, peers: config.peers, concurrency: config.concurrency })
    return summary.allFailed ? 'all_failed' : 'ok'
  } finally {
    await connected.close()
  }
}

async function runScheduled(config: LoaderConfig, pattern: string, database: Database, log: Logger): Promise<number> {
  let sessionBroken = false
  const schedule = scheduleRuns({
    pattern,
    timeZone: config.timeZone,
    log,
    runOnStart: true,
    run: async () => {
      // A revoked session fails every later run too; stop rather than retry forever.
      sessionBroken = (await runOnce(config, database, log)) === 'session_unusable'
      return sessionBroken ? 'stop' : 'continue'
    },
  })
  const onSignal = (signal: string) => {
    log.info({ signal }, 'stopping the schedule after the current run')
    void schedule.stop()
  }
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
  await schedule.finished
  return sessionBroken ? EXIT_FAILED : EXIT_OK
}

// gramjs leaves timers behind after destroy() (exported DC connections are released after 30 s),
// so the process exits explicitly once everything is closed.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    createLogger('info', { service: 'stats-loader' }).fatal({ err: error }, 'stats-loader crashed')
    process.exit(EXIT_FAILED)
  },
)
