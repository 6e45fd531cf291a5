// The analytics the commands share. Days are the chat's local calendar days ('YYYY-MM-DD'),
// ranges are inclusive, and every figure comes from rollups, never from a scan of messages.
// Implemented in chat-stats.ts; group→supergroup predecessors are included automatically.

export interface DayRange {
  from: string
  to: string
}

export interface PeriodTotals {
  messages: number
  /** Distinct senders (users, anonymous admins and channels), exact. */
  activeUsers: number
  joins: number
  leaves: number
  /** Reactions added in the period (per-user reactions plus increases of anonymous totals). */
  reactions: number
  busiestDay: { day: string; messages: number } | null
}

export interface DayCount {
  day: string
  messages: number
}

/** What /stats shows for a period: its totals and messages per day, and the same for the period before. */
export interface StatsFigures {
  totals: PeriodTotals
  daily: DayCount[]
  previous?: { totals: PeriodTotals; daily: DayCount[] }
}

export interface TopEntry {
  senderId: number
  /** Display name exactly as stored (any script, emoji); a chat's title for channel/anonymous senders. */
  name: string
  username: string | null
  isChat: boolean
  count: number
}

export interface TopResult {
  entries: TopEntry[]
  /** The period's total of the measure, for shares. */
  total: number
}

export interface ChatSettings {
  timeZone: string
  commandsAccess: 'everyone' | 'admins'
  /** The first local day with any recorded activity, or null when nothing is recorded. */
  firstDay: string | null
  title: string | null
}
