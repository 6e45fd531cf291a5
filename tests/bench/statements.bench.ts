// npm run bench:statements [-- WARM_UP [TRIALS]]: where PostgreSQL's time goes in one batch. A
// database is filled with WARM_UP synthetic updates (default 120,000) through the batch writer;
// then one lane's next batch (as bench:ingest makes them) is written statement by statement,
// each awaited alone, in a transaction that is rolled back, TRIALS times (default 20).
import type { Update } from 'grammy/types'
import type { TransactionSql } from 'postgres'
import pino from 'pino'
import { BatchWriter, eventOf } from '../../bot/ingest/batch-writer.ts'
import { mapUpdate } from '../../bot/ingest/map-update.ts'
import { emptyRows } from '../../bot/ingest/rows.ts'
import { SeenCache } from '../../bot/ingest/seen-cache.ts'
import {
  COPY_MESSAGES, messagesCopyData, splitMessages, writeBotMemberships, writeEdits, writeMemberEvents, writeMessagesAndReactions,
  writeReactionState,
} from '../../bot/ingest/write-events.ts'
import { writeChats, writeMigrations, writeUsers } from '../../bot/ingest/write-names.ts'
import { createTrafficGenerator } from '../support/synthetic-updates.ts'
import { createBenchDatabase, fmt } from './bench-db.ts'

const WARM_UP = Number(process.argv[2] ?? 120_000)
const TRIALS = Number(process.argv[3] ?? 20)
// The writer's defaults: 2 lanes (chats split by parity), batches of up to 5,000 rows.
const LANES = 2
const BATCH_SOURCE = 4 * 5_000 / LANES
const BOT_ID = 1

const total = WARM_UP + BATCH_SOURCE
const traffic = createTrafficGenerator({ chats: 200, users: 20_000, seed: 1, startDate: Math.floor(Date.now() / 1000) - Math.floor(total / 2) })
const updates = Array.from({ length: total }, (_, i) => ({ update_id: i + 1, ...traffic.next() }) as Update)

const database = await createBenchDatabase('statements')
const { sql } = database
try {
  const writer = new BatchWriter(sql, { maxRows: 5_000, maxDelayMs: 0, lanes: LANES, log: pino({ level: 'warn' }), botId: BOT_ID })
  await Promise.all(updates.slice(0, WARM_UP).map((u) => writer.record(u)))
  await writer.close()
  await sql`VACUUM ANALYZE`

  // The writer's seen cache after the warm-up: every row handed over, in batches.
  const seen = new SeenCache()
  for (let i = 0; i < WARM_UP; i += 5_000) {
    const rows = emptyRows()
    for (const u of updates.slice(i, i + 5_000)) mapUpdate(u, BOT_ID, rows)
    seen.handOver(rows)
  }
  // One lane's share of what follows, about one batch of it.
  const lane = emptyRows()
  let laneUpdates = 0
  for (const u of updates.slice(WARM_UP)) {
    if (Math.abs(Number(eventOf(u)?.chat?.id ?? 0)) % LANES !== 0 || laneUpdates === 5_000) continue
    if (mapUpdate(u, BOT_ID, lane).rows) laneUpdates++
  }
  const rows = seen.handOver(lane)
  const { copied, looked } = splitMessages(rows.messages, rows.edits, false)

  // In the order writeBatch sends them (its chat locks, a few rows, are left out).
  const steps: [string, (tx: TransactionSql) => Promise<unknown>][] = [
    ['chats and titles', (tx) => Promise.all([...writeChats(tx, rows), ...writeMigrations(tx, rows)])],
    [`COPY of ${fmt(copied.length)} new messages`, async (tx) => {
      const stream = await tx.unsafe(COPY_MESSAGES).writable()
      await new Promise<void>((resolve, reject) => { stream.once('error', reject); stream.once('finish', resolve); stream.end(messagesCopyData(copied)) })
    }],
    [`messages' and ${fmt(rows.reactions.length)} reactions' rollups`, (tx) => Promise.all(writeMessagesAndReactions(tx, 'postgres', copied, looked, rows.reactions))],
    [`${fmt(rows.edits.length)} edits`, (tx) => Promise.all(writeEdits(tx, 'postgres', rows.edits))],
    ['reactions\' current state', (tx) => Promise.all(writeReactionState(tx, 'postgres', rows))],
    [`${fmt(rows.memberEvents.length)} member events, with their rollups`, (tx) => Promise.all(writeMemberEvents(tx, 'postgres', rows))],
    ['the bot\'s memberships', (tx) => Promise.all(writeBotMemberships(tx, rows))],
    [`${fmt(rows.users.length)} user rows and names`, (tx) => Promise.all(writeUsers(tx, rows))],
  ]
  const times = steps.map(() => [] as number[])
  class RolledBack extends Error {}
  for (let trial = 0; trial < TRIALS; trial++) {
    await sql.begin(async (tx) => {
      await tx`SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('jit', 'off', true)`
      for (const [i, [, run]] of steps.entries()) {
        const started = performance.now()
        await run(tx)
        times[i]!.push(performance.now() - started)
      }
      throw new RolledBack()
    }).catch((error: unknown) => { if (!(error instanceof RolledBack)) throw error })
    // What the rolled-back rows left behind is cleared, so every trial meets the same tables.
    await sql`VACUUM messages, message_edits, reaction_events, message_reactions, member_events, users, user_names,
      chat_activity_15m, chat_activity_hour, chat_activity_day, sender_day, chats`
  }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!
  const medians = times.map(median)
  const sum = medians.reduce((a, b) => a + b, 0)
  console.log(`statements benchmark: one lane's batch of ${fmt(laneUpdates)} updates on a database of ${fmt(WARM_UP)}; median of ${TRIALS} rolled-back runs, each statement awaited alone`)
  for (const [i, [label]] of steps.entries())
    console.log(`  ${label.padEnd(44)} ${fmt(medians[i]!, 1).padStart(6)} ms  ${fmt(medians[i]! / sum * 100).padStart(3)}%`)
  console.log(`  ${'in all'.padEnd(44)} ${fmt(sum, 1).padStart(6)} ms  = ${fmt(sum * 1000 / laneUpdates, 1)} µs per update`)
} finally {
  await database.drop()
}
