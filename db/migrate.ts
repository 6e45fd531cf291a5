import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { migrate } from 'drizzle-orm/postgres-js/migrator'
import { drizzle } from 'drizzle-orm/postgres-js'
import type { Sql } from 'postgres'
import { rebuildFifteenMinutes } from './queries/rebuild-rollups.ts'

/**
 * What the ingest batches and rollup rebuilds work with: `timescaledb` where the 15-minute
 * activity is a continuous aggregate (they must not write it), `postgres` where it is the table
 * they maintain, as on plain PostgreSQL and on TimescaleDB's Apache-licensed edition.
 */
export type Engine = 'timescaledb' | 'postgres'

export interface MigrationResult {
  engine: Engine
  /** The TimescaleDB version in use (its hypertables), or null. */
  timescaleVersion: string | null
  timescaleLicensed: boolean
  appliedEngineSteps: string[]
}

/**
 * Hypertables and everything on them work from this version on: UPDATE and DELETE on compressed
 * chunks (2.11), and compression settings that can be set again once chunks are compressed (2.14),
 * which a step interrupted halfway needs when it runs again.
 */
export const TIMESCALE_MIN_VERSION = [2, 14] as const

/** Whether TimescaleDB `version` ("2.17.2", "2.14.0-dev") is TIMESCALE_MIN_VERSION or later. */
export function isTimescaleSupported(version: string): boolean {
  const [major = 0, minor = 0] = version.split(/[.-]/).map(Number)
  return major > TIMESCALE_MIN_VERSION[0] || (major === TIMESCALE_MIN_VERSION[0] && minor >= TIMESCALE_MIN_VERSION[1])
}

interface Logger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
}

const here = path.dirname(fileURLToPath(import.meta.url))
const MIGRATIONS_LOCK = 7_322_001

/**
 * Brings the schema up to date: drizzle-kit migrations in one transaction, then the
 * engine steps for the detected storage engine, each in its own statements outside any
 * transaction (continuous aggregates refuse to be created inside one).
 */
export async function migrateDatabase(sql: Sql, log?: Logger): Promise<MigrationResult> {
  const lockConn = await sql.reserve()
  try {
    // Several replicas may start at once; only one migrates at a time.
    await lockConn`SELECT pg_advisory_lock(${MIGRATIONS_LOCK})`
    await migrate(drizzle(sql), { migrationsFolder: path.join(here, 'migrations') })
    const timescale = await detectTimescale(lockConn, log)
    const applied: string[] = []
    // Hypertables come with every edition; compression and continuous aggregates only with the
    // Timescale-licensed one (the Apache-licensed build has neither).
    applied.push(...(await applyEngineSteps(lockConn, timescale ? 'timescaledb' : 'postgres')))
    if (timescale?.licensed) applied.push(...(await applyEngineSteps(lockConn, 'timescaledb-licensed')))
    if (await restoreFifteenMinuteTable(sql)) applied.push('chat_activity_15m restored')
    const engine = await engineInPlace(lockConn)
    const result = { engine, timescaleVersion: timescale?.version ?? null, timescaleLicensed: timescale?.licensed ?? false, appliedEngineSteps: applied }
    log?.info({ engine, timescaleVersion: result.timescaleVersion, timescaleLicensed: result.timescaleLicensed, engineStepsApplied: applied }, 'database schema is up to date')
    return result
  } finally {
    await lockConn`SELECT pg_advisory_unlock(${MIGRATIONS_LOCK})`.catch(() => {})
    lockConn.release()
  }
}

/** TimescaleDB, enabled here if it is installed and new enough, with its edition; null: plain PostgreSQL. */
async function detectTimescale(sql: Sql, log?: Logger): Promise<{ version: string; licensed: boolean } | null> {
  const [available] = await sql<{ installed: string | null; available: string | null }[]>`
    SELECT (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb') AS installed,
           (SELECT default_version FROM pg_available_extensions WHERE name = 'timescaledb') AS available`
  const version = available?.installed ?? available?.available
  if (!version) return null
  if (!isTimescaleSupported(version)) {
    log?.warn({ timescaleVersion: version, required: TIMESCALE_MIN_VERSION.join('.') }, 'TimescaleDB is older than this bot needs; using plain PostgreSQL')
    return null
  }
  if (!available?.installed) {
    try {
      await sql`CREATE EXTENSION IF NOT EXISTS timescaledb`
    } catch (error) {
      // Installed packages but not preloaded (shared_preload_libraries): plain PostgreSQL it is.
      log?.warn({ err: error }, 'timescaledb is available but could not be enabled; using plain PostgreSQL')
      return null
    }
  }
  const [license] = await sql<{ license: string | null }[]>`SELECT current_setting('timescaledb.license', true) AS license`
  return { version, licensed: license?.license === 'timescale' }
}

/**
 * An earlier release dropped the 15-minute table on TimescaleDB's Apache-licensed edition, then
 * failed to make its continuous aggregates (that edition has none): the table is made again and
 * filled from the raw rows. Says whether it had to be.
 */
async function restoreFifteenMinuteTable(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ missing: boolean }[]>`SELECT to_regclass('chat_activity_15m') IS NULL AS missing`
  if (!row?.missing) return false
  await sql.begin(async (tx) => {
    // As db/migrations/0002_rollups.sql and 0007_rollup_fillfactor.sql make it.
    await tx`CREATE TABLE IF NOT EXISTS chat_activity_15m (
      chat_id bigint NOT NULL, bucket timestamp with time zone NOT NULL, messages integer DEFAULT 0 NOT NULL,
      reactions integer DEFAULT 0 NOT NULL, joins integer DEFAULT 0 NOT NULL, leaves integer DEFAULT 0 NOT NULL,
      CONSTRAINT chat_activity_15m_chat_id_bucket_pk PRIMARY KEY (chat_id, bucket)) WITH (fillfactor = 70)`
    const chats = await tx<{ id: string }[]>`SELECT chat_id::text AS id FROM chats`
    await rebuildFifteenMinutes(tx, chats.map((c) => c.id))
  })
  return true
}

/** `timescaledb` once the 15-minute activity is a continuous aggregate (a view to PostgreSQL), else `postgres`. */
async function engineInPlace(sql: Sql): Promise<Engine> {
  const [row] = await sql<{ kind: string | null }[]>`SELECT (SELECT relkind::text FROM pg_class WHERE oid = to_regclass('chat_activity_15m')) AS kind`
  return row?.kind === 'v' ? 'timescaledb' : 'postgres'
}

async function applyEngineSteps(sql: Sql, folder: string): Promise<string[]> {
  await sql`CREATE TABLE IF NOT EXISTS engine_migrations (
    name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`
  const dir = path.join(here, 'engine', folder)
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()
  const done = new Set((await sql<{ name: string }[]>`SELECT name FROM engine_migrations`).map((r) => r.name))
  const applied: string[] = []
  for (const file of files) {
    const name = `${folder}/${file}`
    if (done.has(name)) continue
    const text = await readFile(path.join(dir, file), 'utf8')
    for (const statement of text.split('--> statement-breakpoint')) {
      if (statement.replace(/--.*$/gm, '').trim()) await sql.unsafe(statement)
    }
    await sql`INSERT INTO engine_migrations (name) VALUES (${name}) ON CONFLICT DO NOTHING`
    applied.push(name)
  }
  return applied
}
