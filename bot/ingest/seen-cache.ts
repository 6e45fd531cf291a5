import type { ChatRow, UpdateRows, UserRow } from './rows.ts'

const MAX_ENTRIES = 200_000

const chatKey = (c: ChatRow) => `${c.type}\u0001${c.title ?? ''}\u0001${c.username ?? ''}\u0001${c.isForum}`
const userKey = (u: UserRow) =>
  `${u.firstName}\u0001${u.lastName ?? ''}\u0001${u.username ?? ''}\u0001${u.languageCode ?? ''}\u0001${u.isPremium}\u0001${u.isBot}`

interface Seen<T> {
  key: string
  /** The newest observation of that value, as a row that can be written again. */
  row: T
}

/**
 * Remembers the chat and user details this process last committed, so the same name is not
 * upserted again with every message. When an entity shows anything else, all its rows go
 * through together with the remembered newest observation, so dates still decide what is
 * current and the history keeps every change. Forgetting is always safe.
 */
export class SeenCache {
  private chats = new Map<number, Seen<ChatRow>>()
  private users = new Map<number, Seen<UserRow>>()

  /** The batch without chat and user rows that only repeat what was last committed. */
  withoutKnown(rows: UpdateRows): UpdateRows {
    return {
      ...rows,
      chats: unknownOnly(rows.chats, this.chats, (c) => c.chatId, chatKey),
      users: unknownOnly(rows.users, this.users, (u) => u.userId, userKey),
    }
  }

  /** Call after the batch is committed. */
  remember(rows: UpdateRows): void {
    if (this.chats.size > MAX_ENTRIES) this.chats.clear()
    if (this.users.size > MAX_ENTRIES) this.users.clear()
    rememberNewest(rows.chats, this.chats, (c) => c.chatId, chatKey)
    rememberNewest(rows.users, this.users, (u) => u.userId, userKey)
  }
}

function unknownOnly<T extends { date: number }>(
  rows: readonly T[], seen: Map<number, Seen<T>>, id: (row: T) => number, key: (row: T) => string,
): T[] {
  const changed = new Set<number>()
  for (const row of rows) if (seen.get(id(row))?.key !== key(row)) changed.add(id(row))
  const out: T[] = []
  for (const entity of changed) {
    const known = seen.get(entity)
    if (known) out.push(known.row)
  }
  for (const row of rows) if (changed.has(id(row))) out.push(row)
  return out
}

function rememberNewest<T extends { date: number }>(
  rows: readonly T[], seen: Map<number, Seen<T>>, id: (row: T) => number, key: (row: T) => string,
): void {
  for (const row of rows) {
    const known = seen.get(id(row))
    if (!known || row.date >= known.row.date) seen.set(id(row), { key: key(row), row })
  }
}
