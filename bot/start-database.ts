import { connectDatabase, type Database } from '../db/client.ts'
import { startEmbeddedPostgres } from '../db/embedded.ts'
import { migrateDatabase, type MigrationResult } from '../db/migrate.ts'
import type { Config } from './config.ts'
import type { Logger } from './logger.ts'

export interface StartedDatabase extends Database {
  migration: MigrationResult
  stopEmbedded(): Promise<void>
}

/** Connects (starting the embedded server when DATABASE_URL is unset) and migrates, retrying while the server is down. */
export async function startDatabase(config: Config, log: Logger, signal: AbortSignal): Promise<StartedDatabase> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, log)
  const url = config.databaseUrl ?? embedded!.url
  let delay = 500
  for (let attempt = 1; ; attempt++) {
    const database = connectDatabase(url, { applicationName: 'tg-analytics-bot' })
    try {
      const migration = await migrateDatabase(database.sql, log)
      return { ...database, migration, stopEmbedded: () => embedded?.stop() ?? Promise.resolve() }
    } catch (error) {
      await database.close().catch(() => {})
      if (signal.aborted) throw error
      const code = (error as { code?: string }).code
      // A migration that fails on a reachable server is a bug, not an outage.
      if (code && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57') && !code.startsWith('53')) throw error
      log.error({ err: error, attempt, retryInMs: delay }, 'database is unreachable; retrying')
      await new Promise((r) => setTimeout(r, delay))
      delay = Math.min(delay * 2, 30_000)
    }
  }
}
