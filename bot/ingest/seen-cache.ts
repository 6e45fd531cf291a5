import type { ChatRow, UpdateRows, UserRow } from './rows.ts'

const MAX_ENTRIES = 200_000

const chatKey = (c: ChatRow) => `${c.type}\u0001${c.title ?? ''}\u0001${c.username ?? ''}\u0001${c.isForum}`
const userKey = (u: UserRow) =>
  `${u.firstName}\u0001${u.lastName ?? ''}\u0001${u.username ?? ''}\u0001${u.languageCode ?? ''}\u0001${u.isPremium}\u0001${u.isBot}`

/**
 * Remembers the chat and user details this process last committed, so the same name is not
 * upserted again with every message. Only an optimisation: forgetting is always safe.
 */
export class SeenCache {
  private chats = new Map<number, string>()
  private users = new Map<number, string>()

  /** The batch without chat and user rows that repeat what was last committed. */
  withoutKnown(rows: UpdateRows): UpdateRows {
    return {
      ...rows,
      chats: rows.chats.filter((c) => this.chats.get(c.chatId) !== chatKey(c)),
      users: rows.users.filter((u) => this.users.get(u.userId) !== userKey(u)),
    }
  }

  /** Call after the batch is committed. */
  remember(rows: UpdateRows): void {
    if (this.chats.size > MAX_ENTRIES) this.chats.clear()
    if (this.users.size > MAX_ENTRIES) this.users.clear()
    for (const c of rows.chats) this.chats.set(c.chatId, chatKey(c))
    for (const u of rows.users) this.users.set(u.userId, userKey(u))
  }
}
