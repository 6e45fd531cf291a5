import { bigint, boolean, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

export const users = pgTable('users', {
  userId: bigint('user_id', { mode: 'number' }).primaryKey(),
  isBot: boolean('is_bot').notNull().default(false),
  firstName: text('first_name').notNull(),
  lastName: text('last_name'),
  username: text('username'),
  languageCode: text('language_code'),
  isPremium: boolean('is_premium').notNull().default(false),
  // Date of the observation the current names came from, so older replays never win.
  nameDate: timestamp('name_date', { withTimezone: true }).notNull(),
  firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

export const userNames = pgTable(
  'user_names',
  {
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    since: timestamp('since', { withTimezone: true }).notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name'),
    username: text('username'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.since] })],
)
