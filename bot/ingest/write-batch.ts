import type { PendingQuery, Row, Sql, TransactionSql } from 'postgres'
import { column } from './pg-arrays.ts'
import type { ChatRow, UpdateRows } from './rows.ts'
import type { Engine } from '../../db/migrate.ts'
import { COPY_MESSAGES, messagesCopyData, splitMessages, writeBotMemberships, writeEdits, writeMemberEvents, writeMessagesAndReactions, writeReactionState } from './write-events.ts'
import { insertMissingChats, writeChats, writeMigrations, writeUsers } from './write-names.ts'

export interface BatchSummary {
  /** Chats whose stored data changed in this batch (for cache invalidation). */
  chatIds: number[]
  /** The batch held messages stored before (a replay): the first attempt was refused, and it was written with care. */
  repeated: boolean
}

export interface WriteOptions {
  watermark?: { botId: number; updateId: number }
  engine?: Engine
  /** Every chat row the batch's updates carried, before the seen cache dropped repeats. */
  chatsSeen?: readonly ChatRow[]
  /** Look for every message before inserting it (after a replay, more are likely to follow). */
  careful?: boolean
}

/**
 * Writes one batch in one transaction. Every statement is idempotent on natural keys, so
 * writing the same batch twice (a replay after a crash) changes nothing the second time.
 * New messages are inserted without looking for them first unless `careful`: a replayed one
 * makes the primary key refuse the transaction, and the batch is then written again with care.
 */
export async function writeBatch(sql: Sql, rows: UpdateRows, options: WriteOptions = {}): Promise<BatchSummary> {
  const chatIds = touchedChats(rows)
  if (!options.careful) {
    try {
      await transaction(sql, rows, chatIds, options, false)
      return { chatIds, repeated: false }
    } catch (error) {
      if (!isRepeatedMessage(error)) throw error
    }
  }
  await transaction(sql, rows, chatIds, options, true)
  return { chatIds, repeated: !options.careful }
}

// On TimescaleDB each chunk's copy of the key ends with the hypertable's constraint name.
const MESSAGES_KEY = 'messages_chat_id_message_id_date_pk'
const isRepeatedMessage = (error: unknown): boolean => {
  const e = error as { code?: unknown; constraint_name?: unknown } | null
  return e?.code === '23505' && typeof e.constraint_name === 'string' && e.constraint_name.endsWith(MESSAGES_KEY)
}

async function transaction(sql: Sql, rows: UpdateRows, chatIds: number[], options: WriteOptions, careful: boolean): Promise<void> {
  const { watermark, engine = 'postgres', chatsSeen = rows.chats } = options
  const { copied, looked } = splitMessages(rows.messages, rows.edits, careful)
  await sql.begin(async (tx) => {
    // No statement needs an answer from an earlier one: all are sent back to back, and the server
    // runs them in order without waiting for this process in between, but for the COPY of new
    // messages, after which the rest is sent. COPY writes many rows per WAL record and page
    // (heap_multi_insert) and has no per-row plan to run.
    const head = Promise.all([
      // A big batch's arrays are constants of each plan: planned for their real size, not reused (a
      // reused plan assumes 10 rows). A small one, as long polling gives, reuses plans: planning
      // was a third of its time (50 updates: 11 against 17 ms). No JIT: a big batch's estimates
      // pass its thresholds, and compiling then costs more than it saves (20,000 updates: 0.67 s
      // against 0.52 s for the messages statement).
      // On TimescaleDB every plan is made for its values: only constants tell it which compressed
      // batches an UPDATE or DELETE can skip (see writeEdits).
      tx`SELECT set_config('plan_cache_mode', ${eventRows(rows) <= REUSED_PLANS_UP_TO && engine === 'postgres' ? 'auto' : 'force_custom_plan'}, true), set_config('jit', 'off', true)`,
      ...lockChats(tx, [...chatIds, ...rows.chats.map((c) => c.chatId), ...rows.botMemberships.map((b) => b.chatId),
        ...rows.migrations.flatMap((m) => [m.fromChatId, m.toChatId])], chatsSeen),
      ...writeChats(tx, rows),
      ...writeMigrations(tx, rows),
    ])
    // Its failure aborts the transaction, and the COPY or the rest then fails too; awaited below.
    head.catch(() => {})
    if (copied.length > 0) {
      try {
        await copyIn(tx, COPY_MESSAGES, messagesCopyData(copied))
      } catch (error) {
        // The COPY's own error, unless an earlier statement's aborted the transaction: that one
        // says what went wrong (and whether retrying can help).
        await head
        throw error
      }
    }
    // An array from an async callback is not run by sql.begin (it looks for one before awaiting).
    await Promise.all([
      head,
      ...writeMessagesAndReactions(tx, engine, copied, looked, rows.reactions),
      ...writeEdits(tx, engine, rows.edits),
      ...writeReactionState(tx, engine, rows),
      ...writeMemberEvents(tx, engine, rows),
      ...writeBotMemberships(tx, rows),
      // Users last: lanes share them, and a user row locked here is held only until the commit
      // that follows, not through this batch's messages and rollups.
      ...writeUsers(tx, rows),
      ...(watermark ? [tx`INSERT INTO bot_state (bot_id, last_update_id, updated_at) VALUES (${watermark.botId}, ${watermark.updateId}, now())
          ON CONFLICT (bot_id) DO UPDATE SET last_update_id = GREATEST(bot_state.last_update_id, excluded.last_update_id), updated_at = now()`] : []),
    ])
  })
}

/** Sends `data` through `COPY … FROM STDIN`; resolves once the server has stored it, rejects with its error. */
async function copyIn(tx: TransactionSql, statement: string, data: Buffer): Promise<void> {
  const stream = await tx.unsafe(statement).writable()
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject)
    stream.once('finish', resolve)
    stream.end(data)
  })
}

const REUSED_PLANS_UP_TO = 1000
const eventRows = (rows: UpdateRows) =>
  rows.messages.length + rows.edits.length + rows.reactions.length + rows.reactionCounts.length + rows.memberEvents.length

/** One statement of a batch's transaction, built but not sent. */
export type Statement = PendingQuery<Row[]>

// Advisory locks of batches: (CHAT_LOCK_SPACE, chat id mod CHAT_LOCK_BUCKETS). Buckets bound the
// locks a batch holds (PostgreSQL's lock table is shared and small), and an even count keeps the
// two default lanes, which split chats by parity, in different buckets.
const CHAT_LOCK_SPACE = 7_322_002
const CHAT_LOCK_BUCKETS = 1024
const chatBucket = (chatId: number) => ((chatId % CHAT_LOCK_BUCKETS) + CHAT_LOCK_BUCKETS) % CHAT_LOCK_BUCKETS

/**
 * Every chat the batch touches is claimed first, in ascending order, so two batches (lanes,
 * replicas) that share a chat queue at the start instead of waiting for each other in a circle
 * later. An advisory lock covers chats whose row does not exist yet; such rows are then created
 * (from the rows the updates carried, dropped repeats included), so that every chat row can be
 * locked as strongly as the batch will need it: rollups are keyed by the chat's local time, and a
 * /timezone rebuild (which locks its chats in the same order) must see either none or all of
 * this batch.
 */
function lockChats(tx: TransactionSql, chatIds: readonly number[], chatsSeen: readonly ChatRow[]): Statement[] {
  if (chatIds.length === 0) return []
  const ids = column(tx, [...new Set(chatIds)].sort((a, b) => a - b), 'int8', (id) => id)
  const buckets = [...new Set(chatIds.map(chatBucket))].sort((a, b) => a - b)
  return [
    // unnest() yields the array in order, and each lock is taken as its row comes.
    tx`SELECT pg_advisory_xact_lock(${CHAT_LOCK_SPACE}::int4, t.b) FROM unnest(${column(tx, buckets, 'int4', (b) => b)}::int4[]) AS t(b)`,
    ...insertMissingChats(tx, chatsSeen),
    tx`SELECT 1 FROM chats WHERE chat_id = ANY(${ids}::int8[]) ORDER BY chat_id FOR NO KEY UPDATE`,
  ]
}

function touchedChats(rows: UpdateRows): number[] {
  const ids = new Set<number>()
  for (const r of rows.messages) ids.add(r.chatId)
  for (const r of rows.edits) ids.add(r.chatId)
  for (const r of rows.reactions) ids.add(r.chatId)
  for (const r of rows.reactionCounts) ids.add(r.chatId)
  for (const r of rows.memberEvents) ids.add(r.chatId)
  return [...ids]
}
