import postgres, { type Sql } from 'postgres'
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js'
import * as schema from './schema/index.ts'

export type Db = PostgresJsDatabase<typeof schema>
export type { Sql }

export interface Database {
  sql: Sql
  db: Db
  close(): Promise<void>
}

export function connectDatabase(url: string, options: { max?: number; applicationName?: string } = {}): Database {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    // JIT compiles plans for tens of milliseconds: a loss for the short queries a bot runs.
    connection: { application_name: options.applicationName ?? 'tg-analytics', jit: 'off' },
  })
  const db = drizzle(sql, { schema })
  return { sql, db, close: () => sql.end({ timeout: 5 }) }
}
