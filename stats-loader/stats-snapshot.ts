import type { Api } from 'telegram'
import type { GraphOutcome } from './load-graphs.ts'

/** Everything one stats answer brings, shaped for storage. */
export interface StatsSnapshot {
  period: { start: string; end: string }
  overview: OverviewFigure[]
  graphs: GraphOutcome[]
  posts: PostInteraction[]
  topMembers: TopMember[]
}

export interface OverviewFigure {
  metric: string
  current: number
  previous: number
}

export interface PostInteraction {
  kind: 'message' | 'story'
  itemId: number
  views: number
  forwards: number
  reactions: number
}

export interface TopMember {
  role: 'poster' | 'admin' | 'inviter'
  userId: number
  rank: number
  messages: number | null
  avgChars: number | null
  deleted: number | null
  kicked: number | null
  banned: number | null
  invitations: number | null
  firstName: string | null
  username: string | null
}

export function periodOf(range: Api.TypeStatsDateRangeDays): StatsSnapshot['period'] {
  return { start: isoDay(range.minDate), end: isoDay(range.maxDate) }
}

export function figure(metric: string, value: Api.TypeStatsAbsValueAndPrev): OverviewFigure {
  return { metric, current: value.current, previous: value.previous }
}

const isoDay = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().slice(0, 10)
