import type { ChatRow, UpdateRows, UserRow } from './rows.ts'

const MAX_ENTRIES = 200_000

// Field comparisons, not string keys: this runs for every row of every batch.
const sameChat = (a: ChatRow, b: ChatRow) =>
  a.type === b.type && a.title === b.title && a.username === b.username && a.isForum === b.isForum
const sameUser = (a: UserRow, b: UserRow) =>
  a.firstName === b.firstName && a.lastName === b.lastName && a.username === b.username &&
  a.languageCode === b.languageCode && a.isPremium === b.isPremium && a.isBot === b.isBot

interface Seen<T> {
  /** The newest observation of the stored value, as a row that can be written again. */
  row: T
}

/**
 * Remembers the chat and user details this process last handed to the database, so the same name is not
 * upserted again with every message. When an entity shows anything else, all its rows go
 * through together with the remembered newest observation, so dates still decide what is
 * current and the history keeps every change. Forgetting is always safe.
 */
export class SeenCache {
  private chats = new Map<number, Seen<ChatRow>>()
  private users = new Map<number, Seen<UserRow>>()

  /** The batch without chat and user rows that only repeat what was last written. */
  withoutKnown(rows: UpdateRows): UpdateRows {
    return {
      ...rows,
      chats: unknownOnly(rows.chats, this.chats, (c) => c.chatId, sameChat),
      users: unknownOnly(rows.users, this.users, (u) => u.userId, sameUser),
    }
  }

  /** Call when the batch is handed to the database (it is then written, whatever it takes, or the process ends). */
  remember(rows: UpdateRows): void {
    if (this.chats.size > MAX_ENTRIES) this.chats.clear()
    if (this.users.size > MAX_ENTRIES) this.users.clear()
    rememberNewest(rows.chats, this.chats, (c) => c.chatId)
    rememberNewest(rows.users, this.users, (u) => u.userId)
  }

  /** For rows the database refused: whatever was remembered of their chats and users may not be stored. */
  forget(rows: UpdateRows): void {
    for (const c of rows.chats) this.chats.delete(c.chatId)
    for (const u of rows.users) this.users.delete(u.userId)
  }
}

function unknownOnly<T extends { date: number }>(
  rows: readonly T[], seen: Map<number, Seen<T>>, id: (row: T) => number, same: (a: T, b: T) => boolean,
): T[] {
  const changed = new Set<number>()
  for (const row of rows) {
    const known = seen.get(id(row))
    if (!known || !same(known.row, row)) changed.add(id(row))
  }
  if (changed.size === 0) return []
  const out: T[] = []
  for (const entity of changed) {
    const known = seen.get(entity)
    if (known) out.push(known.row)
  }
  for (const row of rows) if (changed.has(id(row))) out.push(row)
  return out
}

function rememberNewest<T extends { date: number }>(rows: readonly T[], seen: Map<number, Seen<T>>, id: (row: T) => number): void {
  for (const row of rows) {
    const known = seen.get(id(row))
    if (!known) seen.set(id(row), { row })
    else if (row.date >= known.row.date) known.row = row
  }
}
