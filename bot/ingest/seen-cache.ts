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
  /**
   * Since when that value is surely in force: the earliest observation of it handed over, or
   * the newest one when another value was handed over for a time before it (out of order).
   */
  since: number
  /** The newest date of another value's sighting handed over before `row` (-Infinity: none). */
  other: number
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

  /**
   * Call when a batch is handed to the database (it is then written, whatever it takes, or the
   * process ends): returns the batch without the chat and user rows that only repeat what was
   * handed over before, and remembers the newest observation of each.
   */
  handOver(rows: UpdateRows): UpdateRows {
    if (this.chats.size > MAX_ENTRIES) this.chats.clear()
    if (this.users.size > MAX_ENTRIES) this.users.clear()
    return {
      ...rows,
      chats: handOver(rows.chats, this.chats, (c) => c.chatId, sameChat),
      users: handOver(rows.users, this.users, (u) => u.userId, sameUser),
    }
  }

  /** For rows the database refused: whatever was remembered of their chats and users may not be stored. */
  forget(rows: UpdateRows): void {
    for (const c of rows.chats) this.chats.delete(c.chatId)
    for (const u of rows.users) this.users.delete(u.userId)
  }
}

/**
 * One pass: an entity with a row that says something new is changed, and all its rows go out
 * after the observation handed over before; meanwhile the newest row is remembered. A row says
 * nothing new when it shows the remembered value at a time that value is surely in force; an
 * older sighting of it (lanes hand batches over out of order) may start it earlier in the history.
 */
function handOver<T extends { date: number }>(
  rows: readonly T[], seen: Map<number, Seen<T>>, id: (row: T) => number, same: (a: T, b: T) => boolean,
): T[] {
  // Per changed entity, the observation handed over before its first differing row (if any).
  const changed = new Map<number, T | undefined>()
  for (const row of rows) {
    const entity = id(row)
    const known = seen.get(entity)
    const repeat = known !== undefined && same(known.row, row)
    if (!changed.has(entity) && !(repeat && row.date >= known.since)) changed.set(entity, known?.row)
    if (!known) seen.set(entity, { row, since: row.date, other: -Infinity })
    else if (repeat) {
      if (row.date > known.row.date) known.row = row
      // Earlier only when no other value was sighted between this sighting and `since`.
      if (row.date < known.since && row.date > known.other) known.since = row.date
    } else if (row.date >= known.row.date) {
      known.other = known.row.date
      known.row = row
      known.since = row.date
    } else {
      // Another value held at some time before the newest sighting: only from that sighting on is the value sure.
      known.since = known.row.date
      if (row.date > known.other) known.other = row.date
    }
  }
  if (changed.size === 0) return []
  const out: T[] = []
  for (const before of changed.values()) if (before) out.push(before)
  for (const row of rows) if (changed.has(id(row))) out.push(row)
  return out
}
