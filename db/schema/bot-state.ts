import { bigint, pgTable, timestamp } from 'drizzle-orm/pg-core'

// The highest update id whose handling is fully done, written in the same transaction as data.
export const botState = pgTable('bot_state', {
  botId: bigint('bot_id', { mode: 'number' }).primaryKey(),
  lastUpdateId: bigint('last_update_id', { mode: 'number' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})
