import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { migrate } from 'drizzle-orm/postgres-js/migrator'
import { drizzle } from 'drizzle-orm/postgres-js'
import type { Sql } from 'postgres'

export type Engine = 'timescaledb' | 'postgres'

export interface MigrationResult {
  engine: Engine
  timescaleLicensed: boolean
  appliedEngineSteps: string[]
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
    const { engine, licensed } = await detectEngine(lockConn, log)
    const applied: string[] = []
    applied.push(...(await applyEngineSteps(lockConn, engine === 'timescaledb' ? 'timescaledb' : 'postgres')))
    if (engine === 'timescaledb' && licensed) applied.push(...(await applyEngineSteps(lockConn, 'timescaledb-licensed')))
    log?.info({ engine, timescaleLicensed: licensed, engineStepsApplied: applied }, 'database schema is up to date')
    return { engine, timescaleLicensed: licensed, appliedEngineSteps: applied }
  } finally {
    await lockConn`SELECT pg_advisory_unlock(${MIGRATIONS_LOCK})`.catch(() => {})
    lockConn.release()
  }
}

async function detectEngine(sql: Sql, log?: Logger): Promise<{ engine: Engine; licensed: boolean }> {
  const [available] = await sql<{ installed: boolean; available: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS installed,
           EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS available`
  if (!available?.installed) {
    if (!available?.available) return { engine: 'postgres', licensed: false }
    try {
      await sql`CREATE EXTENSION IF NOT EXISTS timescaledb`
    } catch (error) {
      // Installed packages but not preloaded (shared_preload_libraries): plain PostgreSQL it is.
      log?.warn({ err: error }, 'timescaledb is available but could not be enabled; using plain PostgreSQL')
      return { engine: 'postgres', licensed: false }
    }
  }
  const [license] = await sql<{ license: string | null }[]>`SELECT current_setting('timescaledb.license', true) AS license`
  return { engine: 'timescaledb', licensed: license?.license === 'timescale' }
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
