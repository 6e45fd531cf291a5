import { sql } from 'drizzle-orm'
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
    // An event per chat_member update, and per user of a service message: two changes in one
    // second (a ban and an unban, a quick rejoin) are distinct events, and a replay is the same.
    uniqueIndex('member_events_update_idx').on(t.chatId, t.userId, t.updateId, t.date).where(sql`origin = 'chat_member'`),
    uniqueIndex('member_events_message_idx').on(t.chatId, t.userId, t.messageId, t.date).where(sql`origin = 'service_message'`),
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
