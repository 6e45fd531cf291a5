import postgres, { type Sql } from 'postgres'
import { connectDatabase, type Database } from '../../db/client.ts'
import { migrateDatabase } from '../../db/migrate.ts'
import { rebuildRollupsFromRaw } from '../../db/queries/rebuild-rollups.ts'

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
// Bump when the generated data or the schema it needs changes.
const DATA_VERSION = 'v1'
export const BIG_CHAT = -1001000000001
export const BIG_CHAT_ZONE = 'Europe/Berlin'
const OTHER_CHATS = 999
const USERS = 100_000

/**
 * 10M messages: 5M in one chat over the past year with evening peaks and a Zipf-like spread
 * over its members, 5M over 999 other chats; 100k users; reactions and member events. Kept in a
 * database of its own between runs, since generating it takes minutes.
 */
export async function openQueriesBenchDatabase(log: (line: string) => void, fresh: boolean): Promise<Database> {
  const name = `bench_queries_${DATA_VERSION}`
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
  const [exists] = await admin`SELECT 1 AS one FROM pg_database WHERE datname = ${name}`
  if (exists && fresh) await admin.unsafe(`DROP DATABASE "${name}" WITH (FORCE)`)
  if (!exists || fresh) await admin.unsafe(`CREATE DATABASE "${name}"`)
  await admin.end()
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  const database = connectDatabase(url.toString(), { max: 4 })
  await migrateDatabase(database.sql)
  const [ready] = await database.sql`SELECT 1 AS one FROM bot_state WHERE bot_id = -1`
  if (!ready) await generate(database.sql, log)
  return database
}

async function generate(sql: Sql, log: (line: string) => void): Promise<void> {
  const step = async (label: string, run: () => Promise<unknown>) => {
    const started = performance.now()
    await run()
    log(`  data: ${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`)
  }
  log('generating the benchmark data set once (kept for later runs)…')
  await sql`SELECT setseed(0.42)`
  await step('100,000 users', () => sql`
    INSERT INTO users (user_id, first_name, last_name, username, name_date)
    SELECT 10000 + g, (ARRAY['Анна','محمد','李雷','Zoë 🦊','José','דנה','राहुल','Bob'])[1 + g % 8], 'N' || g, 'user' || g, now()
    FROM generate_series(0, ${USERS - 1}) g ON CONFLICT DO NOTHING`)
  await step('1,000 chats', () => sql`
    INSERT INTO chats (chat_id, type, title, time_zone)
    SELECT ${BIG_CHAT}::int8 - g, 'supergroup', 'Chat ' || g, CASE WHEN g = 0 THEN ${BIG_CHAT_ZONE} ELSE 'UTC' END
    FROM generate_series(0, ${OTHER_CHATS}) g ON CONFLICT DO NOTHING`)
  // Evening-heavy hours, weekends a little busier, senders drawn with weight falling by rank.
  await step('5,000,000 messages in the big chat', () => sql`
    INSERT INTO messages (chat_id, message_id, date, sender_id, sender_type, kind, text_length)
    SELECT ${BIG_CHAT}::int8, g,
      date_trunc('day', now() - interval '365 days') + (g * 365 / 5000000) * interval '1 day'
        + ((17 + floor(random() * random() * 24)::int) % 24) * interval '1 hour' + floor(random() * 3600) * interval '1 second',
      10000 + floor(60000 * power(random(), 3))::int, 'user', 'text', 20 + g % 200
    FROM generate_series(1, 5000000) g`)
  await step('5,000,000 messages in 999 other chats', () => sql`
    INSERT INTO messages (chat_id, message_id, date, sender_id, sender_type, kind, text_length)
    SELECT ${BIG_CHAT}::int8 - 1 - (g % ${OTHER_CHATS}), g / ${OTHER_CHATS} + 1, now() - random() * interval '365 days',
      10000 + floor(${USERS} * random())::int, 'user', 'photo', 0
    FROM generate_series(0, 4999999) g`)
  await step('500,000 reactions', () => sql`
    INSERT INTO reaction_events (chat_id, message_id, date, actor_id, old_reactions, new_reactions, added, update_id)
    SELECT chat_id, message_id, date + interval '2 minutes', 10000 + (message_id * 7) % ${USERS}, '{}', '{👍}', 1 + (message_id % 3 = 0)::int, message_id
    FROM messages WHERE chat_id = ${BIG_CHAT} AND message_id % 10 = 0`)
  await step('40,000 joins and leaves', () => sql`
    INSERT INTO member_events (chat_id, user_id, date, event, direction, join_source, origin, update_id)
    SELECT ${BIG_CHAT}::int8, 10000 + g, now() - random() * interval '365 days',
      CASE WHEN g % 3 = 0 THEN 'leave' ELSE 'join' END::member_event, CASE WHEN g % 3 = 0 THEN -1 ELSE 1 END, NULL, 'chat_member', 10000000 + g
    FROM generate_series(0, 39999) g ON CONFLICT DO NOTHING`)
  await step('ANALYZE', () => sql`ANALYZE`)
  await step('rollups of the big chat, from the raw rows', () => sql.begin((tx) => rebuildRollupsFromRaw(tx, [BIG_CHAT], 'postgres')))
  const others = Array.from({ length: OTHER_CHATS }, (_, i) => BIG_CHAT - 1 - i)
  await step('rollups of the other chats', () => sql.begin((tx) => rebuildRollupsFromRaw(tx, others, 'postgres')))
  await step('VACUUM ANALYZE', () => sql`VACUUM ANALYZE`)
  await sql`INSERT INTO bot_state (bot_id, last_update_id) VALUES (-1, 0)`
}
