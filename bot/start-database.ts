import { connectDatabase, type Database } from '../db/client.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { DataDirError, startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded.ts'
import { migrateDatabase, type MigrationResult } from '../db/migrate.ts'
import { probePostgres } from '../db/probe.ts'
import { schemaProblems } from './ingest/schema-check.ts'
import type { Config } from './config.ts'
import type { Logger } from './logger.ts'

export interface StartedDatabase extends Database {
  migration: MigrationResult
  stopEmbedded(): Promise<void>
}

/** The database refuses this bot for good (a wrong name, password or right): waiting will not help. */
export class DatabaseSetupError extends Error {}

/** The start was stopped (`signal`) before the database was ready; an embedded server started meanwhile is stopped. */
class StartStopped extends Error {}

/**
 * Connects (starting the embedded server when DATABASE_URL is unset) and migrates, retrying while
 * the server is down, until `signal` says the bot is stopping.
 */
export async function startDatabase(config: Config, log: Logger, signal: AbortSignal): Promise<StartedDatabase> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, log).catch((error: unknown) => {
    throw error instanceof DataDirError ? new DatabaseSetupError(`DATA_DIR: ${error.message}`) : error
  })
  try {
    return await connectAndMigrate(config, log, signal, embedded)
  } catch (error) {
    if (signal.aborted) {
      await embedded?.stop().catch(() => {})
      throw new StartStopped('stopped while the database was being set up')
    }
    throw error
  }
}

async function connectAndMigrate(config: Config, log: Logger, signal: AbortSignal, embedded: EmbeddedDatabase | undefined): Promise<StartedDatabase> {
  if (signal.aborted) throw new StartStopped()
  const url = config.databaseUrl ?? embedded!.url
  // Something else on that port (a typo, another service) would leave the driver waiting 30 s
  // per attempt, or reconnecting without pause, with nothing said.
  const target = config.databaseUrl ? tcpTarget(config.databaseUrl) : undefined
  let delay = 500
  for (let attempt = 1; ; attempt++) {
    const answer = target ? await probePostgres(target.host, target.port) : 'postgres'
    if (answer === 'other') {
      throw new DatabaseSetupError(`cannot use DATABASE_URL (${withoutPassword(url)}): what listens on ${target!.host}:${target!.port} does not speak PostgreSQL`)
    }
    if (answer === 'silent') {
      log.error({ attempt, retryInMs: delay }, `what listens on ${target!.host}:${target!.port} took the connection but said nothing for 2 s, as PostgreSQL never does (is DATABASE_URL's port right?); retrying`)
      await wait(delay, signal)
      delay = Math.min(delay * 2, 30_000)
      continue
    }
    const database = connectDatabase(url, { applicationName: 'tg-analytics-bot' })
    try {
      const migration = await migrateDatabase(database.sql, log)
      // Migrations add what is missing but never look again at what they made: a key, column or
      // privilege changed by hand since would make every batch fail, or (a unique key that only
      // ON CONFLICT DO NOTHING relies on) let a replayed update be stored twice without an error.
      const problems = await schemaProblems(database.sql, migration.engine)
      if (problems.length > 0) {
        await database.close().catch(() => {})
        await embedded?.stop().catch(() => {})
        throw new DatabaseSetupError(`the database's tables differ from what this release writes (restore them, or migrate a new database): ${problems.join('; ')}`)
      }
      if (signal.aborted) throw new StartStopped()
      const [kept] = await database.sql<{ kept: boolean }[]>`SELECT to_regclass('member_events_natural_idx') IS NOT NULL AS kept`
      if (kept?.kept) {
        log.warn('member_events keeps its unique key on (chat_id, user_id, direction, date), which TimescaleDB would not drop while compression is on (migration 0009): two changes of one member in one second are kept as one event')
      }
      return { ...database, migration, stopEmbedded: () => embedded?.stop() ?? Promise.resolve() }
    } catch (error) {
      if (error instanceof DatabaseSetupError) throw error
      await database.close().catch(() => {})
      if (signal.aborted) throw error
      const kind = databaseErrorKind(error)
      if (kind === 'refused') {
        await embedded?.stop().catch(() => {})
        throw new DatabaseSetupError(`${config.databaseUrl ? `cannot use DATABASE_URL (${withoutPassword(url)})` : 'cannot use the embedded PostgreSQL'}: ${messageOf(error)}`)
      }
      // A migration that fails on a reachable server is a bug, not an outage.
      if (kind === 'bug') throw error
      log.error({ err: error, attempt, retryInMs: delay }, 'database is unreachable; retrying')
      await wait(delay, signal)
      delay = Math.min(delay * 2, 30_000)
    }
  }
}

/** Waits `ms`, or throws StartStopped as soon as `signal` says the bot is stopping. */
async function wait(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => {})
  if (signal.aborted) throw new StartStopped()
}

/**
 * 'down': the server cannot be reached, is not ready or cut the work short (no SQLSTATE, or
 * classes 08, 53, 57); 'refused': it answers but refuses this role or database (28, 3D000, 42501:
 * a setting to fix); 'bug': any other SQL error. drizzle's migrator wraps the driver's error as
 * its `cause`.
 */
export function databaseErrorKind(error: unknown): 'down' | 'refused' | 'bug' {
  const code = sqlState(error) ?? sqlState((error as { cause?: unknown } | null)?.cause)
  if (code === undefined) return 'down'
  if (code.startsWith('08') || code.startsWith('53') || code.startsWith('57')) return 'down'
  if (code.startsWith('28') || code === '3D000' || code === '42501') return 'refused'
  return 'bug'
}

/** The SQLSTATE of an error the server sent (it has a severity); Node's own codes (EPIPE…) are not. */
function sqlState(error: unknown): string | undefined {
  const e = error as { code?: unknown; severity?: unknown } | null
  return typeof e?.severity === 'string' && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined
}

function messageOf(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause
  const source = sqlState(error) === undefined && cause instanceof Error ? cause : error
  return source instanceof Error ? source.message : String(source)
}

const withoutPassword = (url: string): string => {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'unparsable'
  }
}

/** The one TCP host and port of a postgres:// URL; undefined for a socket path, several hosts or a URL it cannot read. */
function tcpTarget(url: string): { host: string; port: number } | undefined {
  try {
    const u = new URL(url)
    const host = u.hostname.replace(/^\[(.*)\]$/, '$1')
    if (!host || host.includes(',') || u.searchParams.has('host')) return undefined
    return { host, port: u.port ? Number(u.port) : 5432 }
  } catch {
    return undefined
  }
}
