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
    uniqueIndex('member_events_natural_idx').on(t.chatId, t.userId, t.direction, t.date),
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
  (t) => [uniqueIndex('bot_membership_events_update_idx').on(t.updateId)],
)
