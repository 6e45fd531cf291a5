import { bigint, boolean, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

export const chats = pgTable('chats', {
  chatId: bigint('chat_id', { mode: 'number' }).primaryKey(),
  type: text('type').notNull(),
  title: text('title'),
  username: text('username'),
  isForum: boolean('is_forum').notNull().default(false),
  // A group upgraded to a supergroup points at its successor; queries follow the chain.
  migratedToChatId: bigint('migrated_to_chat_id', { mode: 'number' }),
  timeZone: text('time_zone').notNull().default('UTC'),
  // sender_day rows of this chat in its current zone carry this epoch; a zone change builds the
  // next epoch beside it (next_time_zone, next_zone_epoch) and switches over in one short step.
  zoneEpoch: integer('zone_epoch').notNull().default(0),
  nextTimeZone: text('next_time_zone'),
  nextZoneEpoch: integer('next_zone_epoch'),
  // A zone change left sender_day rows of other epochs behind, still to be deleted.
  staleZoneEpochs: boolean('stale_zone_epochs').notNull().default(false),
  commandsAccess: text('commands_access').notNull().default('everyone'),
  // Bumped whenever data lands on a past local day, so memos of closed ranges know they are stale.
  historyVersion: bigint('history_version', { mode: 'number' }).notNull().default(0),
  botStatus: text('bot_status'),
  botStatusDate: timestamp('bot_status_date', { withTimezone: true }),
  botWarnedAt: timestamp('bot_warned_at', { withTimezone: true }),
  // Date of the observation the current title came from, so older replays never win.
  titleDate: timestamp('title_date', { withTimezone: true }),
  firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

export const chatTitles = pgTable(
  'chat_titles',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    since: timestamp('since', { withTimezone: true }).notNull(),
    title: text('title').notNull(),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.since] })],
)

export const chatMigrations = pgTable(
  'chat_migrations',
  {
    fromChatId: bigint('from_chat_id', { mode: 'number' }).primaryKey(),
    toChatId: bigint('to_chat_id', { mode: 'number' }).notNull(),
    migratedAt: timestamp('migrated_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('chat_migrations_to_idx').on(t.toChatId)],
)
