import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { drizzle } from 'drizzle-orm/postgres-js'
import { migrate } from 'drizzle-orm/postgres-js/migrator'
import { describe, expect, it } from 'vitest'
import { isTimescaleSupported, migrateDatabase } from '../../db/migrate.ts'
import { ADMIN_URL, withDatabase } from '../support/test-db.ts'
import { writeBatch } from '../../bot/ingest/write-batch.ts'
import { batchOf, chatMemberUpdate, emoji, group, member, messageUpdate, reactionCountUpdate, reactionUpdate, T0, textMessage, user } from '../ingest/support/updates.ts'

const MIGRATIONS = path.join(import.meta.dirname, '../../db/migrations')

/** Applies the core migrations before `tag` only, as a database set up by an older release has them. */
async function migrateUpTo(sql: postgres.Sql, tag: string): Promise<void> {
  const older = mkdtempSync(path.join(tmpdir(), 'tg-migrations-'))
  try {
    cpSync(MIGRATIONS, older, { recursive: true })
    const journalFile = path.join(older, 'meta/_journal.json')
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { idx: number; tag: string }[] }
    const cut = journal.entries.find((e) => e.tag === tag)!.idx
    for (const entry of journal.entries.filter((e) => e.idx >= cut)) rmSync(path.join(older, `${entry.tag}.sql`))
    journal.entries = journal.entries.filter((e) => e.idx < cut)
    writeFileSync(journalFile, JSON.stringify(journal))
    await migrate(drizzle(sql), { migrationsFolder: older })
  } finally {
    rmSync(older, { recursive: true, force: true })
  }
}

/** Runs `test` against a database of its own, empty, and drops it afterwards. */
async function withEmptyDatabase(test: (sql: postgres.Sql) => Promise<void>): Promise<void> {
  const name = `t_upgrade_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
  await admin.unsafe(`CREATE DATABASE "${name}"`)
  const sql = postgres(withDatabase(ADMIN_URL, name), { max: 2, onnotice: () => {} })
  try {
    await test(sql)
  } finally {
    await sql.end()
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
    await admin.end()
  }
}

describe('upgrading a database set up by an older release', () => {
  it('a TimescaleDB install from before the fillfactor migration (the 15-minute rollup is a view there) upgrades', () =>
    withEmptyDatabase(async (sql) => {
      await migrateUpTo(sql, '0007_rollup_fillfactor')
      // What db/engine/timescaledb/0002 leaves in its place: a continuous aggregate, a view to PostgreSQL.
      await sql.unsafe('DROP TABLE chat_activity_15m')
      await sql.unsafe('CREATE VIEW chat_activity_15m AS SELECT chat_id, date AS bucket, 1 AS messages FROM messages')
      const result = await migrateDatabase(sql)
      // The batches must not write the 15-minute activity where it is a view.
      expect(result.engine).toBe('timescaledb')
      const [hour] = await sql<{ options: string[] }[]>`SELECT reloptions AS options FROM pg_class WHERE relname = 'chat_activity_hour'`
      expect(hour!.options).toEqual(['fillfactor=70'])
      const [view] = await sql<{ kind: string }[]>`SELECT relkind AS kind FROM pg_class WHERE relname = 'chat_activity_15m'`
      expect(view!.kind).toBe('v')
    }))

  it('a plain PostgreSQL install from before it gets the fillfactor on every rollup', () =>
    withEmptyDatabase(async (sql) => {
      await migrateUpTo(sql, '0007_rollup_fillfactor')
      expect((await migrateDatabase(sql)).engine).toBe('postgres')
      const rows = await sql<{ relname: string; options: string[] }[]>`
        SELECT relname, reloptions AS options FROM pg_class WHERE relname IN ('chat_activity_15m', 'sender_day') ORDER BY relname`
      expect(rows.map((r) => [r.relname, r.options])).toEqual([['chat_activity_15m', ['fillfactor=70']], ['sender_day', ['fillfactor=90']]])
    }))
})

describe('a database an earlier release left without its 15-minute table', () => {
  // That release dropped it on TimescaleDB's Apache-licensed edition, then failed to make the
  // continuous aggregates that edition does not have.
  it('gets it back, filled from the raw rows as the batches had kept it', () =>
    withEmptyDatabase(async (sql) => {
      await migrateDatabase(sql)
      const chat = group(-1009300000001, 'Restored')
      const ann = user(931, 'Ann'), bob = user(932, 'Bob')
      await writeBatch(sql, batchOf([
        messageUpdate(textMessage({ chat, messageId: 1, date: T0, from: ann, text: 'a' })),
        messageUpdate(textMessage({ chat, messageId: 2, date: T0 + 1000, from: bob, text: 'b' })),
        reactionUpdate({ chat, messageId: 1, date: T0 + 1001, user: bob, old: [], now: [emoji('👍')] }),
        reactionCountUpdate({ chat, messageId: 2, date: T0 + 2000, counts: [[emoji('🔥'), 3]] }),
        chatMemberUpdate({ chat, from: bob, date: T0 + 3000, old: member(bob, 'left'), now: member(bob, 'member') }),
      ]))
      const kept = await sql`SELECT * FROM chat_activity_15m ORDER BY chat_id, bucket`
      // By hand: two messages, 1 + 3 reactions, one join.
      expect(await sql`SELECT sum(messages)::int AS m, sum(reactions)::int AS r, sum(joins)::int AS j FROM chat_activity_15m`)
        .toEqual([{ m: 2, r: 4, j: 1 }])
      await sql`DROP TABLE chat_activity_15m`
      const result = await migrateDatabase(sql)
      expect(result.engine).toBe('postgres')
      expect(result.appliedEngineSteps).toEqual(['chat_activity_15m restored'])
      expect(await sql`SELECT * FROM chat_activity_15m ORDER BY chat_id, bucket`).toEqual(kept)
      expect(await sql`SELECT reloptions AS options FROM pg_class WHERE relname = 'chat_activity_15m'`).toEqual([{ options: ['fillfactor=70'] }])
      expect((await migrateDatabase(sql)).appliedEngineSteps).toEqual([])
    }))
})

describe('TimescaleDB steps', () => {
  it('needs TimescaleDB 2.14 or later (UPDATE and DELETE on compressed chunks, compression settings that can be set again)', () => {
    expect(['2.14.0', '2.14.0-dev', '2.17.2', '2.27.2', '3.0.0'].filter(isTimescaleSupported)).toEqual(['2.14.0', '2.14.0-dev', '2.17.2', '2.27.2', '3.0.0'])
    expect(['2.13.1', '2.11.0', '1.7.5', ''].filter(isTimescaleSupported)).toEqual([])
  })

  // The step runs again from its first statement after an interruption, and on installs of an
  // earlier release that ran it from db/engine/timescaledb/: the table goes, a view stays.
  it('the continuous-aggregate step drops the 15-minute table only while it is one, so it can run again', () =>
    withEmptyDatabase(async (sql) => {
      const file = path.join(import.meta.dirname, '../../db/engine/timescaledb-licensed/0002_activity_aggregates.sql')
      const first = readFileSync(file, 'utf8').split('--> statement-breakpoint')[0]!
      await sql.unsafe('CREATE TABLE chat_activity_15m (chat_id int8)')
      await sql.unsafe(first)
      expect(await sql`SELECT to_regclass('chat_activity_15m')::text AS t`).toEqual([{ t: null }])
      await sql.unsafe('CREATE VIEW chat_activity_15m AS SELECT 1 AS chat_id')
      await sql.unsafe(first)
      expect(await sql`SELECT relkind::text AS kind FROM pg_class WHERE relname = 'chat_activity_15m'`).toEqual([{ kind: 'v' }])
    }))
})
