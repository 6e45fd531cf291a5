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

/**
 * CPU seconds used so far by this process and by the local PostgreSQL server (every live
 * `postgres` process, plus what the postmaster has collected from backends that exited).
 * The server part reads /proc, so it is 0 where the server is not on this machine.
 */
export async function cpuSeconds(): Promise<{ node: number; postgres: number }> {
  const { readdir, readFile } = await import('node:fs/promises')
  const usage = process.cpuUsage()
  let ticks = 0
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
    const close = stat.lastIndexOf(')')
    if (close < 0 || !stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue
    const f = stat.slice(close + 2).split(' ')
    // Fields 14–17 of stat (utime, stime, cutime, cstime) are 11–14 after the command name.
    ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])
  }
  return { node: (usage.user + usage.system) / 1e6, postgres: ticks / 100 }
}
