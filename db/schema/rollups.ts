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

/**
 * Per sender and local day: exact distinct-sender counts and top lists for any day range.
 * Readers take the rows of the chat's current zone_epoch (chats.zone_epoch). While the zone
 * changes, the next epoch is built beside them and ingest adds its amounts to epoch
 * -next_zone_epoch as well, which the switch-over folds in.
 */
export const senderDay = pgTable(
  'sender_day',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    zoneEpoch: integer('zone_epoch').notNull().default(0),
    day: date('day', { mode: 'string' }).notNull(),
    senderId: bigint('sender_id', { mode: 'number' }).notNull(),
    messages: integer('messages').notNull().default(0),
    reactionsReceived: integer('reactions_received').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.zoneEpoch, t.day, t.senderId] })],
)

/**
 * Per-sender totals of a closed range of local days (one that ends before today), computed once
 * and reused while the chat's history_version is unchanged: closed days only change when late
 * data arrives, which bumps the version. Ranges reaching today add today's sender_day rows.
 */
export const rangeMemo = pgTable(
  'range_memo',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    fromDay: date('from_day', { mode: 'string' }).notNull(),
    toDay: date('to_day', { mode: 'string' }).notNull(),
    historyVersion: bigint('history_version', { mode: 'number' }).notNull(),
    activeUsers: integer('active_users').notNull(),
    messagesTotal: bigint('messages_total', { mode: 'number' }).notNull(),
    reactionsTotal: bigint('reactions_total', { mode: 'number' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.fromDay, t.toDay] })],
)

export const rangeMemoSenders = pgTable(
  'range_memo_senders',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    fromDay: date('from_day', { mode: 'string' }).notNull(),
    toDay: date('to_day', { mode: 'string' }).notNull(),
    senderId: bigint('sender_id', { mode: 'number' }).notNull(),
    messages: integer('messages').notNull(),
    reactionsReceived: integer('reactions_received').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.chatId, t.fromDay, t.toDay, t.senderId] }),
    index('range_memo_senders_messages_idx').on(t.chatId, t.fromDay, t.toDay, t.messages.desc(), t.senderId),
    index('range_memo_senders_reactions_idx').on(t.chatId, t.fromDay, t.toDay, t.reactionsReceived.desc(), t.senderId),
  ],
)

/** Increases of anonymous reaction totals, kept so sender rollups can be rebuilt exactly. */
export const reactionCountChanges = pgTable(
  'reaction_count_changes',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    messageId: integer('message_id').notNull(),
    date: timestamp('date', { withTimezone: true }).notNull(),
    added: integer('added').notNull(),
    // The message_reaction_count update's: two rises in one second are two rows. 0 in rows stored
    // before migration 0009.
    updateId: bigint('update_id', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.messageId, t.date, t.updateId] })],
)
