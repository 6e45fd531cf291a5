import type { TransactionSql } from 'postgres'
import { BinaryCopy, binaryRowBytes } from './copy-binary.ts'
import { column, joinList, LIST_SEPARATOR } from './pg-arrays.ts'
import { dropMatchedServiceEvents, lastByKey, latestByKey, MEMBER_MATCH_WINDOW_SECONDS } from './merge-rows.ts'
import type { EditRow, MessageRow, ReactionRow, UpdateRows } from './rows.ts'
import type { Engine } from '../../db/migrate.ts'
import type { Statement } from './write-batch.ts'
import { withRollups } from './write-rollups.ts'

// Messages, edits, reactions, member events and the bot's own membership: the events of a batch.

/**
 * A batch's new messages and its edits' messages, in key order: rows in key order insert in about
 * half the time of arrival order, which jumps between the chats' places in the primary key. Of
 * rows with one key the first stays: original messages come before edits (the sort is stable).
 * `copied` are the ones sent by COPY without a lookup (see writeMessagesAndReactions); `looked`
 * go in behind a lookup: every one when `careful`, else edited messages (most often stored
 * already) and messages dated over a week ago (see LOOK_UP_AFTER_SECONDS).
 */
export function splitMessages(messages: MessageRow[], edits: EditRow[], careful: boolean): { copied: MessageRow[]; looked: MessageRow[] } {
  const all = sortedUnique<MessageRow>([...messages, ...edits], (a, b) => byMessageKey(a, b) || a.date - b.date)
  if (careful) return { copied: [], looked: all }
  const lookBefore = Date.now() / 1000 - LOOK_UP_AFTER_SECONDS
  const copied: MessageRow[] = []
  const looked: MessageRow[] = []
  for (const m of all) ('editDate' in m || m.date < lookBefore || !fitsColumns(m) ? looked : copied).push(m)
  return { copied, looked }
}

const isInt4 = (v: number | null) => v === null || (Number.isInteger(v) && v >= -2_147_483_648 && v <= 2_147_483_647)
const isInt2 = (v: number) => Number.isInteger(v) && v >= -32_768 && v <= 32_767

/**
 * Whether the binary COPY can carry the row. One that cannot (a message id past int4, say) goes
 * the looked-up way, where the database refuses it and that update alone is skipped (BatchWriter).
 */
const fitsColumns = (m: MessageRow): boolean =>
  isInt4(m.messageId) && isInt4(m.threadId) && isInt4(m.textLength) && isInt4(m.replyToMessageId) &&
  isInt2(m.linkCount) && isInt2(m.mentionCount) && isInt2(m.hashtagCount)

export const COPY_MESSAGES = `COPY messages (chat_id, message_id, date, thread_id, sender_id, sender_type, kind, text_length,
  reply_to_message_id, is_forward, link_count, mention_count, hashtag_count) FROM STDIN (FORMAT binary)`

/** COPY_MESSAGES's data for `rows`, each field in its column's type (splitMessages has checked the ranges). */
export function messagesCopyData(rows: readonly MessageRow[]): Buffer {
  let capacity = 0
  for (const m of rows) capacity += binaryRowBytes(13, 3 * 8 + 4 * 4 + 1 + 3 * 2) + m.senderType.length + m.kind.length
  const copy = new BinaryCopy(capacity)
  for (const m of rows) {
    copy.row(13)
    copy.int8(m.chatId)
    copy.int4(m.messageId)
    copy.timestamptz(m.date)
    copy.int4(m.threadId)
    copy.int8(m.senderId)
    copy.label(m.senderType)
    copy.label(m.kind)
    copy.int4(m.textLength)
    copy.int4(m.replyToMessageId)
    copy.bool(m.isForward)
    copy.int2(m.linkCount)
    copy.int2(m.mentionCount)
    copy.int2(m.hashtagCount)
  }
  return copy.finish()
}

/**
 * New messages (plus edited messages the bot never saw sent: they were sent, just before it
 * looked) and reaction events, with their rollups in one pass: a reaction is credited to the
 * author of the reacted message, found among the messages inserted here or those stored before.
 *
 * `copied` were stored by a COPY earlier in the transaction (writeBatch), without looking for
 * them first: they are new but after a replay, and then the primary key refuses the batch, which
 * writeBatch writes again with care. Here they only count in the rollups. `looked` are inserted
 * behind a lookup. An edited message is most often stored already, so it is always looked for,
 * and so is one dated over a week ago: it may belong in a compressed TimescaleDB chunk (after 30
 * days), where TimescaleDB has not always enforced unique keys (not before 2.11, and see
 * timescale/timescaledb#7743).
 */
export function writeMessagesAndReactions(
  tx: TransactionSql, engine: Engine, copied: MessageRow[], looked: MessageRow[], reactions: ReactionRow[],
): Statement[] {
  if (copied.length === 0 && looked.length === 0 && reactions.length === 0) return []
  return [withRollups(tx, engine, tx`
    WITH ins AS (
    INSERT INTO messages (chat_id, message_id, date, thread_id, sender_id, sender_type, kind, text_length,
      reply_to_message_id, is_forward, link_count, mention_count, hashtag_count)
    SELECT t.chat_id, t.message_id, to_timestamp(t.date), t.thread_id, t.sender_id, t.sender_type::sender_type,
      t.kind::message_kind, t.text_length, t.reply_to, t.is_forward, t.links, t.mentions, t.hashtags
    FROM unnest(${column(tx, looked, 'int8', (m) => m.chatId)}::int8[], ${column(tx, looked, 'int4', (m) => m.messageId)}::int4[],
                ${column(tx, looked, 'int8', (m) => m.date)}::int8[], ${column(tx, looked, 'int4', (m) => m.threadId)}::int4[],
                ${column(tx, looked, 'int8', (m) => m.senderId)}::int8[], ${column(tx, looked, 'text', (m) => m.senderType)}::text[],
                ${column(tx, looked, 'text', (m) => m.kind)}::text[], ${column(tx, looked, 'int4', (m) => m.textLength)}::int4[],
                ${column(tx, looked, 'int4', (m) => m.replyToMessageId)}::int4[], ${column(tx, looked, 'bool', (m) => m.isForward)}::bool[],
                ${column(tx, looked, 'int2', (m) => m.linkCount)}::int2[], ${column(tx, looked, 'int2', (m) => m.mentionCount)}::int2[],
                ${column(tx, looked, 'int2', (m) => m.hashtagCount)}::int2[])
      AS t(chat_id, message_id, date, thread_id, sender_id, sender_type, kind, text_length, reply_to, is_forward, links, mentions, hashtags)
    WHERE ${notStoredYet(tx, tx`messages m WHERE m.chat_id = t.chat_id AND m.message_id = t.message_id AND m.date = to_timestamp(t.date)`)}
    RETURNING chat_id, message_id, date, sender_id
    ), rins AS (
      INSERT INTO reaction_events (chat_id, message_id, date, actor_id, old_reactions, new_reactions, added, update_id)
      SELECT t.chat_id, t.message_id, to_timestamp(t.date), t.actor_id,
        string_to_array(t.old, ${LIST_SEPARATOR}), string_to_array(t.new, ${LIST_SEPARATOR}), t.added, t.update_id
      FROM unnest(${column(tx, reactions, 'int8', (r) => r.chatId)}::int8[], ${column(tx, reactions, 'int4', (r) => r.messageId)}::int4[],
                  ${column(tx, reactions, 'int8', (r) => r.date)}::int8[], ${column(tx, reactions, 'int8', (r) => r.actorId)}::int8[],
                  ${column(tx, reactions, 'text', (r) => joinList(r.oldReactions))}::text[], ${column(tx, reactions, 'text', (r) => joinList(r.newReactions))}::text[],
                  ${column(tx, reactions, 'int2', (r) => r.added)}::int2[], ${column(tx, reactions, 'int8', (r) => r.updateId)}::int8[])
        AS t(chat_id, message_id, date, actor_id, old, new, added, update_id)
      -- Keyed by update id, which other bots sharing the database may repeat in other chats:
      -- the chat locks do not cover it. A repeat inside the batch is skipped the same way.
      ON CONFLICT DO NOTHING
      RETURNING chat_id, message_id, date, added
    ), delta AS (
      SELECT chat_id, date AS at, sender_id, 1 AS messages, 0 AS reactions, 0 AS joins, 0 AS leaves FROM ins
      UNION ALL
      SELECT t.chat_id, to_timestamp(t.date), t.sender_id, 1, 0, 0, 0 -- copied: every one was stored
      FROM unnest(${column(tx, copied, 'int8', (m) => m.chatId)}::int8[], ${column(tx, copied, 'int8', (m) => m.date)}::int8[],
                  ${column(tx, copied, 'int8', (m) => m.senderId)}::int8[]) AS t(chat_id, date, sender_id)
      UNION ALL
      -- The statement's own inserts are not visible to it: the reacted message is looked up in both
      -- (the copied ones are: the COPY came before this statement).
      SELECT i.chat_id, i.date, COALESCE(n.sender_id, ${reactedAuthor(tx, engine)}), 0, i.added::int, 0, 0
      FROM rins i LEFT JOIN ins n ON n.chat_id = i.chat_id AND n.message_id = i.message_id
      WHERE i.added > 0
    )`)]
}

const LOOK_UP_AFTER_SECONDS = 7 * 86_400

/**
 * Keeps rows whose key is not stored yet (repeats inside the batch are dropped before). A
 * replay is the only way one could be: the key includes the chat, and every batch holds its
 * chats' locks (see lockChats), so no other batch inserts the same key meanwhile; a plain insert
 * behind this check costs less than ON CONFLICT's speculative one. OFFSET 0 keeps the check a
 * lookup by key per row: as a join, the planner may scan the whole table instead when its
 * statistics lag behind the table's growth.
 */
const notStoredYet = (tx: TransactionSql, stored: Statement) => tx`NOT EXISTS (SELECT 1 FROM ${stored} OFFSET 0)`

const byMessageKey = (a: { chatId: number; messageId: number }, b: { chatId: number; messageId: number }) =>
  a.chatId - b.chatId || a.messageId - b.messageId

/**
 * `rows` in the order of `compare` (which must order by chat first), keeping the first of rows it
 * finds equal, as a stable sort would. Sorted chat by chat: a chat's rows mostly arrive in order
 * already (a 4,400-row batch: 0.6 against 1.5 ms for one sort of them all).
 */
function sortedUnique<T extends { chatId: number }>(rows: readonly T[], compare: (a: T, b: T) => number): T[] {
  const chats = new Map<number, T[]>()
  for (const row of rows) {
    const list = chats.get(row.chatId)
    if (list) list.push(row)
    else chats.set(row.chatId, [row])
  }
  const out: T[] = []
  for (const chatId of [...chats.keys()].sort((a, b) => a - b)) {
    const list = chats.get(chatId)!
    let sorted = true
    for (let i = 1; i < list.length && sorted; i++) sorted = compare(list[i - 1]!, list[i]!) <= 0
    if (!sorted) list.sort(compare)
    for (let i = 0; i < list.length; i++) if (i === 0 || compare(list[i - 1]!, list[i]!) !== 0) out.push(list[i]!)
  }
  return out
}

/**
 * Each distinct edit counts once; the stored metrics follow the newest edit.
 *
 * On TimescaleDB, chunks are compressed once they are 30 days old, and an UPDATE
 * unpacks every compressed batch that its constant conditions leave possible (join conditions
 * narrow nothing), failing past TimescaleDB's limit of rows one statement may unpack. So edits of
 * messages dated over OLD_EDIT_SECONDS ago go one message per statement, naming its chat and date
 * as constants; the others go together, and there (on TimescaleDB only) a constant lower bound on
 * the date leaves the compressed chunks out. On plain PostgreSQL that bound would only mislead
 * the planner into scanning a range of dates instead of looking each message up.
 */
export function writeEdits(tx: TransactionSql, engine: Engine, edits: EditRow[]): Statement[] {
  if (edits.length === 0) return []
  const unique = sortedUnique(edits, (a, b) => byMessageKey(a, b) || a.editDate - b.editDate || a.updateId - b.updateId)
  const now = Date.now() / 1000
  const recentOnly = engine === 'timescaledb' ? tx`m.date >= to_timestamp(${now - UNCOMPRESSED_SECONDS}::float8)` : tx`true`
  // A message's edits stay together, in one statement or the other, as the statement needs.
  const old = new Map<string, EditRow[]>()
  for (const e of unique) if (e.date < now - OLD_EDIT_SECONDS) old.set(`${e.chatId}:${e.messageId}`, [])
  if (old.size === 0) return [editStatement(tx, unique, recentOnly)]
  const recent: EditRow[] = []
  for (const e of unique) (old.get(`${e.chatId}:${e.messageId}`) ?? recent).push(e)
  return [
    ...(recent.length > 0 ? [editStatement(tx, recent, recentOnly)] : []),
    ...[...old.values()].map((list) => editStatement(tx, list, tx`m.chat_id = ${list[0]!.chatId} AND m.date = to_timestamp(${list[0]!.date}::float8)`)),
  ]
}

/**
 * Compressed chunks hold nothing newer than this (db/engine/timescaledb-licensed/0001_compression.sql
 * compresses chunks older than 30 days), with a day's room for this clock being behind the database's.
 */
const UNCOMPRESSED_SECONDS = 29 * 86_400
/** Messages dated before this may be in a compressed chunk: a day's room the other way. */
const OLD_EDIT_SECONDS = 28 * 86_400

/** The edits `unique` (in key order), written where `bounds` holds of their messages (`m`). */
function editStatement(tx: TransactionSql, unique: readonly EditRow[], bounds: Statement): Statement {
  // The message's figures follow its newest edit: of two in one second the later update's, also
  // when the earlier one comes in a later batch (the stored edits say, looked up on such a tie only).
  const newestWins = tx`(m.last_edit_date IS NULL OR to_timestamp(n.edit_date) > m.last_edit_date
    OR (to_timestamp(n.edit_date) = m.last_edit_date AND NOT EXISTS (SELECT 1 FROM message_edits e
      WHERE e.chat_id = n.chat_id AND e.message_id = n.message_id AND (e.edit_date, e.update_id) > (to_timestamp(n.edit_date), n.update_id))))`
  return tx`
    WITH input AS (
      SELECT * FROM unnest(${column(tx, unique, 'int8', (e) => e.chatId)}::int8[], ${column(tx, unique, 'int4', (e) => e.messageId)}::int4[],
                           ${column(tx, unique, 'int8', (e) => e.date)}::int8[], ${column(tx, unique, 'int8', (e) => e.editDate)}::int8[],
                           ${column(tx, unique, 'text', (e) => e.kind)}::text[], ${column(tx, unique, 'int4', (e) => e.textLength)}::int4[],
                           ${column(tx, unique, 'int2', (e) => e.linkCount)}::int2[], ${column(tx, unique, 'int2', (e) => e.mentionCount)}::int2[],
                           ${column(tx, unique, 'int2', (e) => e.hashtagCount)}::int2[], ${column(tx, unique, 'int8', (e) => e.updateId)}::int8[])
        AS t(chat_id, message_id, date, edit_date, kind, text_length, links, mentions, hashtags, update_id)
    ), inserted AS (
      -- A row stored before migration 0009 has update id 0 and stands for any edit of its second.
      INSERT INTO message_edits (chat_id, message_id, edit_date, message_date, update_id)
      SELECT chat_id, message_id, to_timestamp(edit_date), to_timestamp(date), update_id FROM input t
      WHERE ${notStoredYet(tx, tx`message_edits e WHERE e.chat_id = t.chat_id AND e.message_id = t.message_id
        AND e.edit_date = to_timestamp(t.edit_date) AND e.update_id IN (t.update_id, 0)`)}
      RETURNING chat_id, message_id, edit_date
    ), counted AS (
      SELECT chat_id, message_id, count(*)::int AS n FROM inserted GROUP BY chat_id, message_id
    ), newest AS (
      SELECT DISTINCT ON (chat_id, message_id) * FROM input ORDER BY chat_id, message_id, edit_date DESC, update_id DESC
    )
    UPDATE messages m SET
      edit_count = m.edit_count + c.n,
      last_edit_date = GREATEST(m.last_edit_date, to_timestamp(n.edit_date)),
      kind = CASE WHEN ${newestWins} THEN n.kind::message_kind ELSE m.kind END,
      text_length = CASE WHEN ${newestWins} THEN n.text_length ELSE m.text_length END,
      link_count = CASE WHEN ${newestWins} THEN n.links ELSE m.link_count END,
      mention_count = CASE WHEN ${newestWins} THEN n.mentions ELSE m.mention_count END,
      hashtag_count = CASE WHEN ${newestWins} THEN n.hashtags ELSE m.hashtag_count END
    FROM counted c JOIN newest n USING (chat_id, message_id)
    WHERE m.chat_id = c.chat_id AND m.message_id = c.message_id AND m.date = to_timestamp(n.date)
      AND ${bounds}`
}

export function writeReactionState(tx: TransactionSql, engine: Engine, rows: UpdateRows): Statement[] {
  const out: Statement[] = []
  if (rows.reactions.length > 0) {
    const state = latestByKey(rows.reactions, (r) => `${r.chatId}:${r.messageId}:${r.actorId}`, (r) => r.date)
      .sort((a, b) => byMessageKey(a, b) || a.actorId - b.actorId)
    out.push(tx`
      INSERT INTO message_reactions AS s (chat_id, message_id, actor_id, reactions, date)
      SELECT t.chat_id, t.message_id, t.actor_id, string_to_array(t.new, ${LIST_SEPARATOR}), to_timestamp(t.date)
      FROM unnest(${column(tx, state, 'int8', (r) => r.chatId)}::int8[], ${column(tx, state, 'int4', (r) => r.messageId)}::int4[],
                  ${column(tx, state, 'int8', (r) => r.actorId)}::int8[], ${column(tx, state, 'text', (r) => joinList(r.newReactions))}::text[],
                  ${column(tx, state, 'int8', (r) => r.date)}::int8[])
        AS t(chat_id, message_id, actor_id, new, date)
      ON CONFLICT (chat_id, message_id, actor_id) DO UPDATE SET reactions = excluded.reactions, date = excluded.date
      WHERE s.date <= excluded.date`)
  }
  // One statement per change: several changes of one message in a batch each compare with the previous.
  for (const counts of splitRepeats(rows.reactionCounts, (r) => `${r.chatId}:${r.messageId}`)) {
    out.push(withRollups(tx, engine, tx`
      WITH input AS (
        SELECT * FROM unnest(${column(tx, counts, 'int8', (r) => r.chatId)}::int8[], ${column(tx, counts, 'int4', (r) => r.messageId)}::int4[],
                  ${column(tx, counts, 'int8', (r) => r.date)}::int8[], ${column(tx, counts, 'text', (r) => JSON.stringify(r.reactions))}::text[],
                  ${column(tx, counts, 'int4', (r) => r.total)}::int4[], ${column(tx, counts, 'int8', (r) => r.updateId)}::int8[])
        AS t(chat_id, message_id, date, reactions, total, update_id)
      ), previous AS (
        SELECT s.chat_id, s.message_id, s.total FROM reaction_counts s JOIN input i USING (chat_id, message_id)
      ), up AS (
        -- Only a newer update than the stored one's applies: of one second the later update (a
        -- replay of an earlier one would measure a rise from the later total). A row stored before
        -- migration 0009 (update id 0) stands for its whole second.
        INSERT INTO reaction_counts AS s (chat_id, message_id, date, reactions, total, update_id)
        SELECT chat_id, message_id, to_timestamp(date), reactions::jsonb, total, update_id FROM input
        ON CONFLICT (chat_id, message_id) DO UPDATE SET date = excluded.date, reactions = excluded.reactions, total = excluded.total,
          update_id = excluded.update_id
        WHERE s.date < excluded.date OR (s.date = excluded.date AND s.update_id <> 0 AND s.update_id < excluded.update_id)
        RETURNING chat_id, message_id, date, total, update_id
      ), increase AS (
        -- Keyed by the update: a second rise in the same second is another row.
        INSERT INTO reaction_count_changes (chat_id, message_id, date, added, update_id)
        SELECT u.chat_id, u.message_id, u.date, u.total - COALESCE(p.total, 0), u.update_id
        FROM up u LEFT JOIN previous p USING (chat_id, message_id)
        WHERE u.total > COALESCE(p.total, 0)
        ON CONFLICT DO NOTHING
        RETURNING chat_id, message_id, date, added
      ), delta AS (
        SELECT i.chat_id, i.date AS at, ${reactedAuthor(tx, engine)} AS sender_id, 0 AS messages, i.added AS reactions, 0 AS joins, 0 AS leaves
        FROM increase i
      )`))
  }
  return out
}

/**
 * The author of the reacted message (`i` is the row), when the bot saw it. On TimescaleDB it is
 * looked for in the week before the reaction first, where most reacted messages are: there a
 * lookup without a date probes every chunk, and unpacks compressed ones. On plain PostgreSQL the
 * primary key finds it by chat and id alone, in one probe.
 */
function reactedAuthor(tx: TransactionSql, engine: Engine): Statement {
  const anyDate = tx`(SELECT m.sender_id FROM messages m WHERE m.chat_id = i.chat_id AND m.message_id = i.message_id LIMIT 1)`
  if (engine === 'postgres') return anyDate
  return tx`COALESCE(
    (SELECT m.sender_id FROM messages m WHERE m.chat_id = i.chat_id AND m.message_id = i.message_id
       AND m.date BETWEEN i.date - INTERVAL '7 days' AND i.date + INTERVAL '1 day' LIMIT 1),
    ${anyDate})`
}

/** Splits rows into runs in which no key repeats, keeping order. */
function splitRepeats<T>(rows: readonly T[], key: (row: T) => string): T[][] {
  const runs: T[][] = []
  let current: T[] = []
  let keys = new Set<string>()
  for (const row of rows) {
    const k = key(row)
    if (keys.has(k)) {
      runs.push(current)
      current = []
      keys = new Set()
    }
    current.push(row)
    keys.add(k)
  }
  if (current.length > 0) runs.push(current)
  return runs
}

/**
 * chat_member updates are the richer source: they replace a matching service-message event
 * (same chat, user and direction within a few seconds); a service-message event is stored
 * only when no chat_member event matches it. Two service-message events never match each other:
 * a quick rejoin (join, leave, join within seconds) is two joins. A replayed one is the same
 * row: events are keyed by their update (chat_member) or message (service messages), so two
 * changes in one second are two events.
 */
export function writeMemberEvents(tx: TransactionSql, engine: Engine, rows: UpdateRows): Statement[] {
  // An update or service message seen twice in the batch is one event.
  const events = lastByKey(dropMatchedServiceEvents(rows.memberEvents),
    (e) => `${e.chatId}:${e.userId}:${e.date}:${e.origin}:${e.updateId}:${e.messageId}`)
  if (events.length === 0) return []
  const window = `${MEMBER_MATCH_WINDOW_SECONDS} seconds`
  const input = (list: typeof events) => tx`
    SELECT * FROM unnest(${column(tx, list, 'int8', (e) => e.chatId)}::int8[], ${column(tx, list, 'int8', (e) => e.userId)}::int8[],
      ${column(tx, list, 'int8', (e) => e.date)}::int8[], ${column(tx, list, 'text', (e) => e.event)}::text[],
      ${column(tx, list, 'int2', (e) => e.direction)}::int2[], ${column(tx, list, 'text', (e) => e.joinSource)}::text[],
      ${column(tx, list, 'int8', (e) => e.actorId)}::int8[], ${column(tx, list, 'text', (e) => e.inviteLink)}::text[],
      ${column(tx, list, 'text', (e) => e.inviteLinkName)}::text[], ${column(tx, list, 'text', (e) => e.origin)}::text[],
      ${column(tx, list, 'int8', (e) => e.updateId)}::int8[], ${column(tx, list, 'int4', (e) => e.messageId)}::int4[])
    AS t(chat_id, user_id, date, event, direction, join_source, actor_id, invite_link, invite_link_name, origin, update_id, message_id)`
  // `changes` returns (chat_id, date, direction, sign): an event stored (+1) or replaced by a richer one (-1).
  const counted = (changes: Statement) => withRollups(tx, engine, tx`
    WITH changes AS (${changes}), delta AS (
      SELECT chat_id, date AS at, NULL::int8 AS sender_id, 0 AS messages, 0 AS reactions,
             CASE WHEN direction > 0 THEN sign ELSE 0 END AS joins, CASE WHEN direction < 0 THEN sign ELSE 0 END AS leaves
      FROM changes WHERE direction <> 0
    )`)
  // Each event is looked for first (by its update or service message: see notStoredYet); ON
  // CONFLICT DO NOTHING is for a database where migration 0009 could not drop the old unique key
  // on (chat, user, direction, date): there the first event of such a second stays, as before.
  const insert = (list: typeof events, onlyUnmatched: boolean) => counted(tx`
    INSERT INTO member_events (chat_id, user_id, date, event, direction, join_source, actor_id, invite_link,
      invite_link_name, origin, update_id, message_id)
    SELECT i.chat_id, i.user_id, to_timestamp(i.date), i.event::member_event, i.direction, i.join_source::join_source,
      i.actor_id, i.invite_link, i.invite_link_name, i.origin::event_origin, i.update_id, i.message_id
    FROM (${input(list)}) i
    WHERE ${notStoredYet(tx, tx`member_events e WHERE e.chat_id = i.chat_id AND e.date = to_timestamp(i.date) AND e.user_id = i.user_id
      AND e.origin = i.origin::event_origin AND e.update_id IS NOT DISTINCT FROM i.update_id AND e.message_id IS NOT DISTINCT FROM i.message_id`)}
    ${onlyUnmatched ? tx`AND NOT EXISTS (SELECT 1 FROM member_events e WHERE e.chat_id = i.chat_id AND e.user_id = i.user_id
      AND e.direction = i.direction AND e.origin = 'chat_member' AND e.date BETWEEN to_timestamp(i.date) - ${window}::interval AND to_timestamp(i.date) + ${window}::interval)` : tx``}
    ON CONFLICT DO NOTHING
    RETURNING chat_id, date, direction, 1 AS sign`)

  const out: Statement[] = []
  const fromChatMember = events.filter((e) => e.origin === 'chat_member')
  if (fromChatMember.length > 0) {
    // On TimescaleDB a constant lower bound on the date leaves compressed chunks out: a DELETE
    // unpacks every compressed batch its constant conditions leave possible (see writeEdits).
    // chat_member updates are at most a day old (Telegram keeps them no longer).
    let earliest = Date.now() / 1000 - UNCOMPRESSED_SECONDS
    for (const e of fromChatMember) earliest = Math.min(earliest, e.date - MEMBER_MATCH_WINDOW_SECONDS)
    out.push(counted(tx`
      DELETE FROM member_events e USING (${input(fromChatMember)}) i
      WHERE e.origin = 'service_message' AND e.chat_id = i.chat_id AND e.user_id = i.user_id AND e.direction = i.direction
        AND e.date BETWEEN to_timestamp(i.date) - ${window}::interval AND to_timestamp(i.date) + ${window}::interval
        AND ${engine === 'timescaledb' ? tx`e.date >= to_timestamp(${earliest}::float8)` : tx`true`}
      RETURNING e.chat_id, e.date, e.direction, -1 AS sign`))
    out.push(insert(fromChatMember, false))
  }
  const fromService = events.filter((e) => e.origin === 'service_message')
  if (fromService.length > 0) out.push(insert(fromService, true))
  return out
}

export function writeBotMemberships(tx: TransactionSql, rows: UpdateRows): Statement[] {
  const out: Statement[] = []
  const events = rows.botMemberships
  if (events.length === 0) return out
  out.push(tx`
    INSERT INTO bot_membership_events (chat_id, date, old_status, new_status, actor_id, update_id)
    SELECT t.chat_id, to_timestamp(t.date), t.old_status, t.new_status, t.actor_id, t.update_id
    FROM unnest(${column(tx, events, 'int8', (e) => e.chatId)}::int8[], ${column(tx, events, 'int8', (e) => e.date)}::int8[],
                ${column(tx, events, 'text', (e) => e.oldStatus)}::text[], ${column(tx, events, 'text', (e) => e.newStatus)}::text[],
                ${column(tx, events, 'int8', (e) => e.actorId)}::int8[], ${column(tx, events, 'int8', (e) => e.updateId)}::int8[])
      AS t(chat_id, date, old_status, new_status, actor_id, update_id)
    ON CONFLICT DO NOTHING`)
  const latest = latestByKey(events, (e) => e.chatId, (e) => e.date)
  out.push(tx`
    UPDATE chats c SET bot_status = t.status, bot_status_date = to_timestamp(t.date),
      -- Promoted, or gone: a later stretch without admin rights gets its own note.
      bot_warned_at = CASE WHEN t.status IN ('administrator', 'creator', 'left', 'kicked') THEN NULL ELSE c.bot_warned_at END
    FROM unnest(${column(tx, latest, 'int8', (e) => e.chatId)}::int8[], ${column(tx, latest, 'text', (e) => e.newStatus)}::text[],
                ${column(tx, latest, 'int8', (e) => e.date)}::int8[])
      AS t(chat_id, status, date)
    WHERE c.chat_id = t.chat_id AND (c.bot_status_date IS NULL OR c.bot_status_date <= to_timestamp(t.date))`)
  return out
}
