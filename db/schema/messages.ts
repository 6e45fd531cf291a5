import { bigint, boolean, index, integer, pgTable, primaryKey, smallint, timestamp } from 'drizzle-orm/pg-core'
import { messageKind, senderType } from './enums.ts'

// A hypertable on TimescaleDB (partitioned by `date`), so every unique key includes `date`.
export const messages = pgTable(
  'messages',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    messageId: integer('message_id').notNull(),
    date: timestamp('date', { withTimezone: true }).notNull(),
    threadId: integer('thread_id'),
    // A user id (positive) or, for anonymous admins and channels, the sender chat id (negative).
    senderId: bigint('sender_id', { mode: 'number' }),
    senderType: senderType('sender_type').notNull(),
    kind: messageKind('kind').notNull(),
    textLength: integer('text_length').notNull().default(0),
    replyToMessageId: integer('reply_to_message_id'),
    isForward: boolean('is_forward').notNull().default(false),
    linkCount: smallint('link_count').notNull().default(0),
    mentionCount: smallint('mention_count').notNull().default(0),
    hashtagCount: smallint('hashtag_count').notNull().default(0),
    editCount: integer('edit_count').notNull().default(0),
    lastEditDate: timestamp('last_edit_date', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.chatId, t.messageId, t.date] }),
    // Commands read rollups, not this table; a BRIN index keeps raw time scans possible for
    // almost no cost per insert, where a second btree would cost a third of the ingest rate.
    index('messages_date_brin').using('brin', t.date),
  ],
)

// One row per edited_message update, so a replayed one is never counted twice; its update id
// tells apart two edits in one second (Telegram's dates are whole seconds).
export const messageEdits = pgTable(
  'message_edits',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    messageId: integer('message_id').notNull(),
    editDate: timestamp('edit_date', { withTimezone: true }).notNull(),
    messageDate: timestamp('message_date', { withTimezone: true }).notNull(),
    // 0 in rows stored before migration 0009, which kept one edit per second.
    updateId: bigint('update_id', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.messageId, t.editDate, t.updateId] })],
)
