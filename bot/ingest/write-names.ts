import type { TransactionSql } from 'postgres'
import { column } from './pg-arrays.ts'
import { chatTitleKey, historyCandidates, lastByKey, latestByKey, userNameKey } from './merge-rows.ts'
import type { ChatRow, UpdateRows, UserRow } from './rows.ts'
import type { Statement } from './write-batch.ts'

// Chats and users with their title and name histories, and group → supergroup migrations.

/** The newest row of each chat, in id order, as the columns of `chats` (for INSERT … SELECT). */
function newestChats(tx: TransactionSql, rows: readonly ChatRow[]): Statement {
  const latest = latestByKey(rows, (c) => c.chatId, (c) => c.date).sort((a, b) => a.chatId - b.chatId)
  return tx`
    SELECT t.chat_id, t.type, t.title, t.username, t.is_forum, to_timestamp(t.date)
    FROM unnest(${column(tx, latest, 'int8', (c) => c.chatId)}::int8[], ${column(tx, latest, 'text', (c) => c.type)}::text[],
                ${column(tx, latest, 'text', (c) => c.title)}::text[], ${column(tx, latest, 'text', (c) => c.username)}::text[],
                ${column(tx, latest, 'bool', (c) => c.isForum)}::bool[], ${column(tx, latest, 'int8', (c) => c.date)}::int8[])
      AS t(chat_id, type, title, username, is_forum, date)`
}

/** Creates the rows of chats not stored yet from `rows` (the chats a batch's updates carried); existing rows are left alone. */
export function insertMissingChats(tx: TransactionSql, rows: readonly ChatRow[]): Statement[] {
  if (rows.length === 0) return []
  return [tx`
    INSERT INTO chats (chat_id, type, title, username, is_forum, title_date)
    SELECT * FROM (${newestChats(tx, rows)}) t
    WHERE NOT EXISTS (SELECT 1 FROM chats c WHERE c.chat_id = t.chat_id OFFSET 0)`]
}

export function writeChats(tx: TransactionSql, rows: UpdateRows): Statement[] {
  const out: Statement[] = []
  if (rows.chats.length === 0) return out
  out.push(tx`
    INSERT INTO chats AS c (chat_id, type, title, username, is_forum, title_date)
    ${newestChats(tx, rows.chats)}
    ON CONFLICT (chat_id) DO UPDATE SET type = excluded.type, title = COALESCE(excluded.title, c.title),
      username = excluded.username, is_forum = excluded.is_forum, title_date = excluded.title_date, updated_at = now()
    WHERE c.title_date IS NULL OR c.title_date < excluded.title_date`)
  out.push(...writeHistory(tx, TITLES, historyCandidates(rows.chats.filter((c) => c.title !== null), (c) => c.chatId, chatTitleKey)))
  return out
}

export function writeUsers(tx: TransactionSql, rows: UpdateRows): Statement[] {
  const out: Statement[] = []
  if (rows.users.length === 0) return out
  const latest = latestByKey(rows.users, (u) => u.userId, (u) => u.date).sort((a, b) => a.userId - b.userId)
  out.push(tx`
    INSERT INTO users AS u (user_id, is_bot, first_name, last_name, username, language_code, is_premium, name_date)
    SELECT t.user_id, t.is_bot, t.first_name, t.last_name, t.username, t.language_code, t.is_premium, to_timestamp(t.date)
    FROM unnest(${column(tx, latest, 'int8', (u) => u.userId)}::int8[], ${column(tx, latest, 'bool', (u) => u.isBot)}::bool[],
                ${column(tx, latest, 'text', (u) => u.firstName)}::text[], ${column(tx, latest, 'text', (u) => u.lastName)}::text[],
                ${column(tx, latest, 'text', (u) => u.username)}::text[], ${column(tx, latest, 'text', (u) => u.languageCode)}::text[],
                ${column(tx, latest, 'bool', (u) => u.isPremium)}::bool[], ${column(tx, latest, 'int8', (u) => u.date)}::int8[])
      AS t(user_id, is_bot, first_name, last_name, username, language_code, is_premium, date)
    ON CONFLICT (user_id) DO UPDATE SET is_bot = excluded.is_bot, first_name = excluded.first_name,
      last_name = excluded.last_name, username = excluded.username,
      language_code = COALESCE(excluded.language_code, u.language_code), is_premium = excluded.is_premium,
      name_date = excluded.name_date, updated_at = now()
    WHERE u.name_date < excluded.name_date`)
  out.push(...writeHistory(tx, NAMES, historyCandidates(rows.users, (u) => u.userId, userNameKey)))
  return out
}

/** A history table: per entity, entries (since, values) of which none equals the one before it. */
interface History<T> {
  table: string
  key: string
  /** The columns of an entry, each with its value in an observation; the first one is never null. */
  columns: readonly (readonly [string, (row: T) => string | null])[]
  id: (row: T) => number
  /** The entity's own table, holding the current values and when they were seen (`since`). */
  current: { table: string; since: string }
}

const NAMES: History<UserRow> = {
  table: 'user_names', key: 'user_id', id: (u) => u.userId, current: { table: 'users', since: 'name_date' },
  columns: [['first_name', (u) => u.firstName], ['last_name', (u) => u.lastName], ['username', (u) => u.username]],
}
const TITLES: History<ChatRow> = {
  table: 'chat_titles', key: 'chat_id', id: (c) => c.chatId, current: { table: 'chats', since: 'title_date' },
  columns: [['title', (c) => c.title]],
}

/**
 * Merges a batch's observations (`historyCandidates`: per entity in date order, each differing
 * from the one before) into the stored history and keeps it free of repeats: an observation is
 * stored only where the values it shows are not in force already, and the stored entry right
 * after it goes when it shows the same. (Storing every observation and deleting the repeats
 * afterwards comes to the same, but writes and deletes a row per entity of every batch.) Then
 * the history must end with the current values: a late observation may have landed before the
 * newest one of the current values, which an earlier batch folded into its first sighting.
 *
 * The entities are locked before this runs (users by their upsert, chats by lockChats), so every
 * other batch's entries for them are committed and seen. Each entity is looked up by key
 * (LATERAL … OFFSET 0 is not flattened into a join): a batch holds hundreds, the tables millions.
 */
function writeHistory<T extends { date: number }>(tx: TransactionSql, spec: History<T>, observed: readonly T[]): Statement[] {
  if (observed.length === 0) return []
  const names = spec.columns.map(([name]) => name)
  const list = (prefix: string) => tx.unsafe(names.map((n) => prefix + n).join(', '))
  const key = tx.unsafe(spec.key)
  const values = spec.columns.map(([, pick]) => tx`${column(tx, observed, 'text', pick)}::text[]`)
    .reduce((all, next) => tx`${all}, ${next}`)
  // The stored entry right before (or at) an observation `o`, or right after it.
  const stored = (o: string, after: boolean) => tx`
    SELECT h.since, ROW(${list('h.')}) AS v FROM ${tx(spec.table)} h WHERE h.${key} = ${tx.unsafe(o)}.${key}
    AND ${after ? tx`h.since > ${tx.unsafe(o)}.since ORDER BY h.since` : tx`h.since <= ${tx.unsafe(o)}.since ORDER BY h.since DESC`} LIMIT 1`
  const ids = column(tx, [...new Set(observed.map(spec.id))], 'int8', (id) => id)
  return [tx`
    WITH seen AS (
      SELECT t.${key}, to_timestamp(t.date) AS since, ROW(${list('t.')}) AS v, ${list('t.')}, t.n
      FROM unnest(${column(tx, observed, 'int8', spec.id)}::int8[], ${column(tx, observed, 'int8', (r) => r.date)}::int8[], ${values})
        WITH ORDINALITY AS t(${key}, date, ${list('')}, n)
    ), kept AS (
      -- An observation of an instant that has a stored entry changes nothing: that entry stays.
      SELECT o.*, b.since AS before_since, b.v AS before_v, lag(o.since) OVER w AS previous_seen, lead(o.since) OVER w AS next_seen
      FROM seen o LEFT JOIN LATERAL (${stored('o', false)}) b ON true
      WHERE b.since IS DISTINCT FROM o.since
      WINDOW w AS (PARTITION BY o.${key} ORDER BY o.n)
    ), fresh AS (
      -- In force just before is the stored entry before, unless the batch's previous
      -- observation comes after it: then nothing lies between the two, which differ.
      SELECT * FROM kept
      WHERE previous_seen > before_since OR (previous_seen IS NOT NULL AND before_since IS NULL) OR before_v IS DISTINCT FROM v
    ), added AS (
      INSERT INTO ${tx(spec.table)} (${key}, since, ${list('')})
      SELECT ${key}, since, ${list('')} FROM fresh
      ON CONFLICT DO NOTHING
    )
    -- The stored entry after a new one repeats it, unless another observation lies between.
    DELETE FROM ${tx(spec.table)} h USING fresh o CROSS JOIN LATERAL (${stored('o', true)}) a
    WHERE h.${key} = o.${key} AND h.since = a.since AND (o.next_seen IS NULL OR o.next_seen > a.since) AND a.v IS NOT DISTINCT FROM o.v`,
  tx`
    INSERT INTO ${tx(spec.table)} (${key}, since, ${list('')})
    SELECT e.${key}, e.${tx.unsafe(spec.current.since)}, ${list('e.')}
    FROM unnest(${ids}::int8[]) AS t(id)
    CROSS JOIN LATERAL (SELECT * FROM ${tx(spec.current.table)} e WHERE e.${key} = t.id OFFSET 0) e
    WHERE e.${tx.unsafe(spec.current.since)} IS NOT NULL AND e.${tx.unsafe(names[0]!)} IS NOT NULL
      AND (SELECT ROW(${list('h.')}) FROM ${tx(spec.table)} h
           WHERE h.${key} = e.${key} AND h.since <= e.${tx.unsafe(spec.current.since)} ORDER BY h.since DESC LIMIT 1)
          IS DISTINCT FROM ROW(${list('e.')})
    ON CONFLICT DO NOTHING`]
}

export function writeMigrations(tx: TransactionSql, rows: UpdateRows): Statement[] {
  const out: Statement[] = []
  const list = lastByKey(rows.migrations, (m) => m.fromChatId)
  if (list.length === 0) return out
  out.push(tx`
    INSERT INTO chat_migrations (from_chat_id, to_chat_id, migrated_at)
    SELECT t.from_id, t.to_id, to_timestamp(t.date)
    FROM unnest(${column(tx, list, 'int8', (m) => m.fromChatId)}::int8[], ${column(tx, list, 'int8', (m) => m.toChatId)}::int8[],
                ${column(tx, list, 'int8', (m) => m.date)}::int8[]) AS t(from_id, to_id, date)
    ON CONFLICT (from_chat_id) DO NOTHING`)
  // The new supergroup may not have been seen yet: make sure both ends exist, then link them.
  out.push(tx`
    INSERT INTO chats (chat_id, type) SELECT t.to_id, 'supergroup'
    FROM unnest(${column(tx, list, 'int8', (m) => m.toChatId)}::int8[]) AS t(to_id)
    ON CONFLICT DO NOTHING`)
  // The supergroup keeps the group's settings unless it already has its own.
  out.push(tx`
    UPDATE chats c SET time_zone = old.time_zone, commands_access = old.commands_access
    FROM unnest(${column(tx, list, 'int8', (m) => m.fromChatId)}::int8[], ${column(tx, list, 'int8', (m) => m.toChatId)}::int8[]) AS t(from_id, to_id)
    JOIN chats old ON old.chat_id = t.from_id
    WHERE c.chat_id = t.to_id AND c.time_zone = 'UTC' AND c.commands_access = 'everyone'
      AND (old.time_zone, old.commands_access) IS DISTINCT FROM ('UTC', 'everyone')`)
  out.push(tx`
    UPDATE chats c SET migrated_to_chat_id = t.to_id, type = 'group', updated_at = now()
    FROM unnest(${column(tx, list, 'int8', (m) => m.fromChatId)}::int8[], ${column(tx, list, 'int8', (m) => m.toChatId)}::int8[]) AS t(from_id, to_id)
    WHERE c.chat_id = t.from_id AND (c.migrated_to_chat_id, c.type) IS DISTINCT FROM (t.to_id, 'group')`)
  out.push(tx`
    INSERT INTO chats (chat_id, type, migrated_to_chat_id)
    SELECT t.from_id, 'group', t.to_id
    FROM unnest(${column(tx, list, 'int8', (m) => m.fromChatId)}::int8[], ${column(tx, list, 'int8', (m) => m.toChatId)}::int8[]) AS t(from_id, to_id)
    ON CONFLICT DO NOTHING`)
  return out
}
