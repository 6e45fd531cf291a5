import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { connectDatabase, type Database } from '../../db/client.ts'
import { migrateDatabase } from '../../db/migrate.ts'

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export interface BenchDatabase extends Database {
  url: string
  drop(): Promise<void>
}

/** A fresh migrated database for one benchmark phase. */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const name = `bench_${label}_${randomBytes(3).toString('hex')}`
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
  await admin.unsafe(`CREATE DATABASE "${name}"`)
  await admin.end()
  const u = new URL(ADMIN_URL)
  u.pathname = `/${name}`
  const database = connectDatabase(u.toString(), { max: 4 })
  await migrateDatabase(database.sql)
  return {
    ...database,
    url: u.toString(),
    async drop() {
      await database.close()
      const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
      await a.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      await a.end()
    },
  }
}

export const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024)

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
}
