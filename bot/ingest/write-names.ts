import type { TransactionSql } from 'postgres'
import { column } from './pg-arrays.ts'
import { chatTitleKey, historyCandidates, lastByKey, latestByKey, userNameKey } from './merge-rows.ts'
import type { ChatRow, UpdateRows } from './rows.ts'
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
  const titled = historyCandidates(rows.chats.filter((c) => c.title !== null), (c) => c.chatId, chatTitleKey)
  if (titled.length === 0) return out
  const ids = column(tx, [...new Set(titled.map((c) => c.chatId))], 'int8', (id) => id)
  out.push(tx`
    INSERT INTO chat_titles (chat_id, since, title)
    SELECT t.chat_id, to_timestamp(t.date), t.title
    FROM unnest(${column(tx, titled, 'int8', (c) => c.chatId)}::int8[], ${column(tx, titled, 'int8', (c) => c.date)}::int8[],
                ${column(tx, titled, 'text', (c) => c.title)}::text[])
      AS t(chat_id, date, title)
    ON CONFLICT DO NOTHING`)
  // A late observation may have landed before the newest one of the current title, which an
  // earlier batch folded into its first sighting: the history must end with the current title.
  out.push(tx`
    INSERT INTO chat_titles (chat_id, since, title)
    SELECT c.chat_id, c.title_date, c.title FROM chats c
    WHERE c.chat_id = ANY(${ids}::int8[]) AND c.title IS NOT NULL AND c.title_date IS NOT NULL
      AND (SELECT h.title FROM chat_titles h WHERE h.chat_id = c.chat_id AND h.since <= c.title_date ORDER BY h.since DESC LIMIT 1)
          IS DISTINCT FROM c.title
    ON CONFLICT DO NOTHING`)
  out.push(tx`
    DELETE FROM chat_titles h USING (
      SELECT chat_id, since, row_number() OVER w > 1 AND title = lag(title) OVER w AS repeats
      FROM chat_titles WHERE chat_id = ANY(${ids}::int8[]) WINDOW w AS (PARTITION BY chat_id ORDER BY since)
    ) x
    WHERE x.repeats AND h.chat_id = x.chat_id AND h.since = x.since`)
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
  const named = historyCandidates(rows.users, (u) => u.userId, userNameKey)
  const ids = column(tx, [...new Set(named.map((u) => u.userId))], 'int8', (id) => id)
  out.push(tx`
    INSERT INTO user_names (user_id, since, first_name, last_name, username)
    SELECT t.user_id, to_timestamp(t.date), t.first_name, t.last_name, t.username
    FROM unnest(${column(tx, named, 'int8', (u) => u.userId)}::int8[], ${column(tx, named, 'int8', (u) => u.date)}::int8[],
                ${column(tx, named, 'text', (u) => u.firstName)}::text[], ${column(tx, named, 'text', (u) => u.lastName)}::text[],
                ${column(tx, named, 'text', (u) => u.username)}::text[])
      AS t(user_id, date, first_name, last_name, username)
    ON CONFLICT DO NOTHING`)
  // Both look up each user of the batch by key (LATERAL … OFFSET 0 is not flattened into a join):
  // the batch holds hundreds of users, the tables millions.
  out.push(tx`
    INSERT INTO user_names (user_id, since, first_name, last_name, username)
    SELECT u.user_id, u.name_date, u.first_name, u.last_name, u.username
    FROM unnest(${ids}::int8[]) AS t(user_id)
    CROSS JOIN LATERAL (SELECT * FROM users u WHERE u.user_id = t.user_id OFFSET 0) u
    WHERE (SELECT ROW(h.first_name, h.last_name, h.username) FROM user_names h
           WHERE h.user_id = u.user_id AND h.since <= u.name_date ORDER BY h.since DESC LIMIT 1)
          IS DISTINCT FROM ROW(u.first_name, u.last_name, u.username)
    ON CONFLICT DO NOTHING`)
  // Observations of concurrent batches interleave: drop every entry that repeats the one before it.
  out.push(tx`
    DELETE FROM user_names h USING (
      SELECT x.user_id, x.since FROM unnest(${ids}::int8[]) AS t(user_id)
      CROSS JOIN LATERAL (
        SELECT user_id, since, row_number() OVER w > 1 AND first_name = lag(first_name) OVER w
          AND last_name IS NOT DISTINCT FROM lag(last_name) OVER w AND username IS NOT DISTINCT FROM lag(username) OVER w AS repeats
        FROM user_names WHERE user_id = t.user_id WINDOW w AS (ORDER BY since) OFFSET 0
      ) x WHERE x.repeats
    ) d
    WHERE h.user_id = d.user_id AND h.since = d.since`)
  return out
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
