import { bigint, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

// Reactions are keyed as the emoji itself, `custom:<custom_emoji_id>` or `paid`.
export const reactionEvents = pgTable(
  'reaction_events',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    messageId: integer('message_id').notNull(),
    date: timestamp('date', { withTimezone: true }).notNull(),
    // A user id, or the chat id for reactions made on behalf of a chat.
    actorId: bigint('actor_id', { mode: 'number' }).notNull(),
    oldReactions: text('old_reactions').array().notNull(),
    newReactions: text('new_reactions').array().notNull(),
    // How many reactions this change added (new ones not in the old list); rollups sum it.
    added: smallint('added').notNull().default(0),
    updateId: bigint('update_id', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('reaction_events_update_idx').on(t.updateId, t.date),
    index('reaction_events_date_brin').using('brin', t.date),
  ],
)

export const messageReactions = pgTable(
  'message_reactions',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    messageId: integer('message_id').notNull(),
    actorId: bigint('actor_id', { mode: 'number' }).notNull(),
    reactions: text('reactions').array().notNull(),
    date: timestamp('date', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.messageId, t.actorId] })],
)

// Anonymous totals (message_reaction_count): only the latest values per message are kept.
export const reactionCounts = pgTable(
  'reaction_counts',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    messageId: integer('message_id').notNull(),
    date: timestamp('date', { withTimezone: true }).notNull(),
    reactions: jsonb('reactions').$type<{ key: string; count: number }[]>().notNull(),
    total: integer('total').notNull(),
    // The update these values came in: of two in one second the later one's stand, and a replay of
    // an earlier one changes nothing. 0 in rows stored before migration 0009: they stand for their second.
    updateId: bigint('update_id', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.messageId] })],
)
