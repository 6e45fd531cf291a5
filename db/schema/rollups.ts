import { bigint, date, index, integer, pgTable, primaryKey, timestamp } from 'drizzle-orm/pg-core'

// Rollups the ingest batch keeps up to date in the same transaction as the raw rows, so the
// commands never scan messages. Reactions count reactions added; joins and leaves count
// member events by direction.

/**
 * Zone-independent activity per chat in 15-minute UTC buckets: every IANA zone's offset is a
 * multiple of 15 minutes, so any local hour or day is an exact sum of these. On TimescaleDB a
 * view over continuous aggregates replaces this table.
 */
export const chatActivity15m = pgTable(
  'chat_activity_15m',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    bucket: timestamp('bucket', { withTimezone: true }).notNull(),
    messages: integer('messages').notNull().default(0),
    reactions: integer('reactions').notNull().default(0),
    joins: integer('joins').notNull().default(0),
    leaves: integer('leaves').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.bucket] })],
)

/** Per local hour of the chat's time zone (wall-clock time, no zone). Rebuilt when the zone changes. */
export const chatActivityHour = pgTable(
  'chat_activity_hour',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    localHour: timestamp('local_hour', { withTimezone: false }).notNull(),
    messages: integer('messages').notNull().default(0),
    reactions: integer('reactions').notNull().default(0),
    joins: integer('joins').notNull().default(0),
    leaves: integer('leaves').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.localHour] })],
)

/** Per local day of the chat's time zone. Rebuilt when the zone changes. */
export const chatActivityDay = pgTable(
  'chat_activity_day',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    messages: integer('messages').notNull().default(0),
    reactions: integer('reactions').notNull().default(0),
    joins: integer('joins').notNull().default(0),
    leaves: integer('leaves').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.day] })],
)

/** Per sender and local day: exact distinct-sender counts and top lists for any day range. */
export const senderDay = pgTable(
  'sender_day',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    senderId: bigint('sender_id', { mode: 'number' }).notNull(),
    messages: integer('messages').notNull().default(0),
    reactionsReceived: integer('reactions_received').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.day, t.senderId] })],
)

/** Per sender, all time; first and last local day with a message answer "active since day X" at once. */
export const senderTotal = pgTable(
  'sender_total',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    senderId: bigint('sender_id', { mode: 'number' }).notNull(),
    messages: bigint('messages', { mode: 'number' }).notNull().default(0),
    reactionsReceived: bigint('reactions_received', { mode: 'number' }).notNull().default(0),
    firstDay: date('first_day', { mode: 'string' }),
    lastDay: date('last_day', { mode: 'string' }),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.senderId] }), index('sender_total_last_day_idx').on(t.chatId, t.lastDay)],
)

/** Increases of anonymous reaction totals, kept so sender rollups can be rebuilt exactly. */
export const reactionCountChanges = pgTable(
  'reaction_count_changes',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    messageId: integer('message_id').notNull(),
    date: timestamp('date', { withTimezone: true }).notNull(),
    added: integer('added').notNull(),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.messageId, t.date] })],
)
