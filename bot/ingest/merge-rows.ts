import type { ChatRow, MemberEventRow, UpdateRows, UserRow } from './rows.ts'

export const MEMBER_MATCH_WINDOW_SECONDS = 10

/** Appends `more` into `into` (both are batches of rows in update order). */
export function appendRows(into: UpdateRows, more: UpdateRows): void {
  for (const key of Object.keys(more) as (keyof UpdateRows)[]) {
    const target = into[key] as unknown[]
    for (const row of more[key]) target.push(row)
  }
}

/** The last row per key, keeping first-seen order; later rows win. */
export function lastByKey<T>(rows: readonly T[], key: (row: T) => string | number): T[] {
  const map = new Map<string | number, T>()
  for (const row of rows) {
    const k = key(row)
    map.delete(k)
    map.set(k, row)
  }
  return [...map.values()]
}

/** Per key, the row with the greatest date; on equal dates the later row wins. First-seen order is kept. */
export function latestByKey<T>(rows: readonly T[], key: (row: T) => string | number, date: (row: T) => number): T[] {
  const map = new Map<string | number, T>()
  for (const row of rows) {
    const k = key(row)
    const current = map.get(k)
    if (current === undefined || date(row) >= date(current)) map.set(k, row)
  }
  return [...map.values()]
}

/**
 * Per entity, the observations in date order with repeats collapsed: A, A, B, A becomes A, B, A.
 * Of observations at one instant the last stays (a history has one entry per instant, and the
 * entity's current values follow the last one too: latestByKey). Each surviving observation is a
 * history row candidate; the writer then drops any that only repeat the stored entry before them.
 */
export function historyCandidates<T extends { date: number }>(
  rows: readonly T[], id: (row: T) => number, value: (row: T) => string,
): T[] {
  const byEntity = new Map<number, T[]>()
  for (const row of rows) {
    const list = byEntity.get(id(row))
    if (list) list.push(row)
    else byEntity.set(id(row), [row])
  }
  const out: T[] = []
  for (const list of byEntity.values()) {
    list.sort((a, b) => a.date - b.date)
    const kept: T[] = []
    for (const row of list) {
      if (kept.length > 0 && kept[kept.length - 1]!.date === row.date) kept.pop()
      const previous = kept[kept.length - 1]
      if (previous === undefined || value(previous) !== value(row)) kept.push(row)
    }
    for (const row of kept) out.push(row)
  }
  return out
}

export const chatTitleKey = (c: ChatRow): string => c.title ?? ''
export const userNameKey = (u: UserRow): string => JSON.stringify([u.firstName, u.lastName, u.username])

/**
 * A service message and a chat_member update often describe the same join or leave.
 * Inside one batch, drop the service-message event when a chat_member event matches it.
 */
export function dropMatchedServiceEvents(events: readonly MemberEventRow[]): MemberEventRow[] {
  const fromChatMember = events.filter((e) => e.origin === 'chat_member')
  return events.filter(
    (e) =>
      e.origin === 'chat_member' ||
      !fromChatMember.some(
        (c) => c.chatId === e.chatId && c.userId === e.userId && c.direction === e.direction &&
          Math.abs(c.date - e.date) <= MEMBER_MATCH_WINDOW_SECONDS,
      ),
  )
}
