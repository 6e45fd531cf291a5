import { bigint, integer, index, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { eventOrigin, joinSource, memberEvent } from './enums.ts'

export const memberEvents = pgTable(
  'member_events',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    date: timestamp('date', { withTimezone: true }).notNull(),
    event: memberEvent('event').notNull(),
    // +1 joined, -1 left the member list, 0 neither (unban); used to match the two sources.
    direction: smallint('direction').notNull(),
    joinSource: joinSource('join_source'),
    // Who added, kicked, banned or approved; null when the user acted alone.
    actorId: bigint('actor_id', { mode: 'number' }),
    inviteLink: text('invite_link'),
    inviteLinkName: text('invite_link_name'),
    origin: eventOrigin('origin').notNull(),
    updateId: bigint('update_id', { mode: 'number' }),
    messageId: integer('message_id'),
  },
  (t) => [
    // No unique key: an event is one per chat_member update, or per user of a service message (two
    // changes in one second are two events), and the writer looks for it before inserting, under
    // the chat's lock (bot/ingest/write-events.ts). TimescaleDB refuses a new unique index on a
    // hypertable once compression is on, so the key could not change on such installs.
    index('member_events_chat_date_idx').on(t.chatId, t.date),
  ],
)

export const botMembershipEvents = pgTable(
  'bot_membership_events',
  {
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    date: timestamp('date', { withTimezone: true }).notNull(),
    oldStatus: text('old_status').notNull(),
    newStatus: text('new_status').notNull(),
    actorId: bigint('actor_id', { mode: 'number' }),
    updateId: bigint('update_id', { mode: 'number' }).notNull(),
  },
  // Update ids are per bot and Telegram numbers them anew after a week without any: the chat and
  // date make one repeated in another chat, or by another bot sharing the database, another event.
  (t) => [uniqueIndex('bot_membership_events_update_idx').on(t.chatId, t.updateId, t.date)],
)
