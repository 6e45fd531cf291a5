import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeBatch } from '../../bot/ingest/write-batch.ts'
import { migrateDatabase } from '../../db/migrate.ts'
import { schemaProblems } from '../../bot/ingest/schema-check.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { batchOf, chatMemberUpdate, emoji, group, member, messageUpdate, reactionCountUpdate, reactionUpdate, T0, textMessage, user } from '../ingest/support/updates.ts'

// TimescaleDB is not installed here. Its engine steps are run all the same, on plain PostgreSQL,
// against stand-ins for TimescaleDB's functions written from its documentation (the same
// signatures, argument names included), so that a typo, a wrong argument name or a view that
// does not add up fails here. Only the storage options PostgreSQL cannot know (timescaledb.*)
// are taken out, and only after PostgreSQL has refused exactly them.
const STAND_INS = `
  CREATE FUNCTION create_hypertable(relation regclass, time_column_name name, chunk_time_interval interval DEFAULT NULL,
    if_not_exists boolean DEFAULT false, migrate_data boolean DEFAULT false, create_default_indexes boolean DEFAULT true)
    RETURNS void LANGUAGE sql AS $$ SELECT $$;
  CREATE FUNCTION time_bucket(bucket_width interval, ts timestamptz) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE AS $$ SELECT date_bin(bucket_width, ts, TIMESTAMPTZ '2000-01-03 00:00:00+00') $$;
  CREATE FUNCTION add_continuous_aggregate_policy(continuous_aggregate regclass, start_offset interval, end_offset interval,
    schedule_interval interval, if_not_exists boolean DEFAULT false) RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
  CREATE FUNCTION remove_continuous_aggregate_policy(continuous_aggregate regclass, if_exists boolean DEFAULT false)
    RETURNS void LANGUAGE sql AS $$ SELECT $$;
  CREATE PROCEDURE refresh_continuous_aggregate(continuous_aggregate regclass, window_start timestamptz, window_end timestamptz)
    LANGUAGE plpgsql AS $$ BEGIN EXECUTE format('REFRESH MATERIALIZED VIEW %s', continuous_aggregate); END $$;
  CREATE FUNCTION add_compression_policy(hypertable regclass, compress_after interval, if_not_exists boolean DEFAULT false)
    RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;`

const ENGINE = path.join(import.meta.dirname, '../../db/engine')
const statementsOf = (folder: string) => readdirSync(path.join(ENGINE, folder)).filter((f) => f.endsWith('.sql')).sort()
  .flatMap((file) => readFileSync(path.join(ENGINE, folder, file), 'utf8').split('--> statement-breakpoint'))
  .filter((s) => s.replace(/--.*$/gm, '').trim())

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase('timescale_steps')
  await migrateDatabase(db.sql)
  await db.sql.unsafe(STAND_INS)
})
afterAll(async () => {
  await db?.drop()
})

/**
 * The compression settings of `table` name its columns, and cover every column of its unique
 * indexes (TimescaleDB refuses compression otherwise).
 */
async function expectCompressionColumns(table: string, options: string): Promise<void> {
  const list = (name: string) => (new RegExp(`timescaledb\\.${name}\\s*=\\s*'([^']*)'`).exec(options)?.[1] ?? '')
    .split(',').map((c) => c.trim().split(/\s+/)[0]!).filter(Boolean)
  const listed = [...list('compress_segmentby'), ...list('compress_orderby')]
  const columns = (await db.sql<{ name: string }[]>`SELECT column_name AS name FROM information_schema.columns WHERE table_name = ${table}`).map((c) => c.name)
  expect(listed.filter((c) => !columns.includes(c)), `${table}: ${options}`).toEqual([])
  const unique = await db.sql<{ name: string }[]>`
    SELECT DISTINCT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
    WHERE i.indrelid = ${table}::regclass AND i.indisunique`
  expect(unique.map((u) => u.name).filter((c) => !listed.includes(c)), `${table}: ${options}`).toEqual([])
}

describe('the TimescaleDB engine steps, against stand-ins', () => {
  it('run in order, every statement valid, refused only for the timescaledb.* options PostgreSQL does not know', async () => {
    const refused: string[] = []
    for (const statement of [...statementsOf('timescaledb'), ...statementsOf('timescaledb-licensed')]) {
      try {
        await db.sql.unsafe(statement)
      } catch (error) {
        expect((error as { code?: string }).code, `${String(error)} in ${statement}`).toBe('22023')
        expect(String(error)).toContain('unrecognized parameter namespace "timescaledb"')
        refused.push(statement.replace(/--.*$/gm, '').trim().split('\n')[0]!)
        // Without those options: the view of a continuous aggregate becomes a materialized view.
        const plain = statement.replace(/\s+WITH \(timescaledb\.[^)]*\)/, '')
        const compression = /^\s*ALTER TABLE (\w+) SET \((timescaledb\.[^)]*)\)/m.exec(statement)
        if (compression) await expectCompressionColumns(compression[1]!, compression[2]!)
        else await db.sql.unsafe(plain)
      }
    }
    // The compression settings of the three hypertables, and the three continuous aggregates.
    expect(refused.filter((s) => s.startsWith('ALTER TABLE'))).toHaveLength(3)
    expect(refused.filter((s) => s.startsWith('CREATE MATERIALIZED VIEW'))).toHaveLength(3)
    expect(refused).toHaveLength(6)
    // What the bot checks at start (bot/start-database.ts) finds nothing amiss in what the steps leave.
    expect(await schemaProblems(db.sql, 'timescaledb')).toEqual([])
  })

  it('leave a 15-minute view the batches leave alone, which adds up what the plain table would hold', async () => {
    expect((await migrateDatabase(db.sql)).engine).toBe('timescaledb')
    const chat = group(-1009400000001, 'Stand-ins')
    const ann = user(941, 'Ann'), bob = user(942, 'Bob')
    await writeBatch(db.sql, batchOf([
      messageUpdate(textMessage({ chat, messageId: 1, date: T0, from: ann, text: 'a' })),
      messageUpdate(textMessage({ chat, messageId: 2, date: T0 + 1000, from: bob, text: 'b' })),
      reactionUpdate({ chat, messageId: 1, date: T0 + 1001, user: bob, old: [], now: [emoji('👍')] }),
      reactionCountUpdate({ chat, messageId: 2, date: T0 + 2000, counts: [[emoji('🔥'), 3]] }),
      chatMemberUpdate({ chat, from: bob, date: T0 + 3000, old: member(bob, 'left'), now: member(bob, 'member') }),
    ]), { engine: 'timescaledb' })
    // What a refresh policy does in TimescaleDB.
    for (const view of ['messages_15m', 'reactions_15m', 'members_15m']) await db.sql.unsafe(`REFRESH MATERIALIZED VIEW ${view}`)
    // By hand: two messages, 1 + 3 reactions, one join; and the same in the local-day rollup the batch keeps.
    const totals = (table: string) => db.sql.unsafe(`SELECT sum(messages)::int AS m, sum(reactions)::int AS r, sum(joins)::int AS j FROM ${table} WHERE chat_id = ${chat.id}`)
    expect(await totals('chat_activity_15m')).toEqual([{ m: 2, r: 4, j: 1 }])
    expect(await totals('chat_activity_day')).toEqual([{ m: 2, r: 4, j: 1 }])
  })
})
