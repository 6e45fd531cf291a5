import type { DayRange } from '../../db/queries/chat-stats-contract.ts'
import { addDays, daysInRange, formatSpan, lastDayOfMonth, localDay, MONTH_NAMES } from './local-days.ts'
import { periodKey, type PeriodSpec } from './parse-period.ts'

export interface ResolvedPeriod {
  /** Canonical argument, e.g. `30d` or `2026-10`. */
  key: string
  range: DayRange
  /** The same number of days right before `range`; null for `all`, which has nothing before it. */
  previous: DayRange | null
  days: number
  /** Human wording, e.g. 'last 30 days (24 Oct – 22 Nov 2026)'. */
  label: string
}

export interface PeriodClock {
  now: Date
  timeZone: string
  /** The chat's first local day with recorded activity; `all` starts there. */
  firstDay: string | null
}

/**
 * Turns a period into local calendar days of the chat. Months and ranges that reach past today
 * end today, so they are compared with a previous period of the same, real, length.
 */
export function resolvePeriod(spec: PeriodSpec, clock: PeriodClock): ResolvedPeriod | { error: string } {
  const today = localDay(clock.now, clock.timeZone)
  const key = periodKey(spec)
  switch (spec.kind) {
    case 'today':
      return withPrevious(key, { from: today, to: today }, `today (${formatSpan(today, today)})`)
    case 'yesterday': {
      const day = addDays(today, -1)
      return withPrevious(key, { from: day, to: day }, `yesterday (${formatSpan(day, day)})`)
    }
    case 'last': {
      const range = { from: addDays(today, 1 - spec.days), to: today }
      const name = spec.key === '1y' ? 'last 365 days' : `last ${spec.days} days`
      return withPrevious(key, range, `${name} (${formatSpan(range.from, range.to)})`)
    }
    case 'all': {
      const from = clock.firstDay && clock.firstDay < today ? clock.firstDay : today
      return { key, range: { from, to: today }, previous: null, days: daysInRange(from, today), label: `all time (${formatSpan(from, today)})` }
    }
    case 'month': {
      const from = `${key}-01`
      const end = lastDayOfMonth(spec.year, spec.month)
      if (from > today) return { error: `${MONTH_NAMES[spec.month - 1]} ${spec.year} has not started yet` }
      const to = end < today ? end : today
      const name = `${MONTH_NAMES[spec.month - 1]} ${spec.year}`
      return withPrevious(key, { from, to }, to === end ? name : `${name} so far (${formatSpan(from, to)})`)
    }
    case 'range': {
      if (spec.from > today) return { error: `${spec.from} is in the future` }
      const to = spec.to < today ? spec.to : today
      const clipped = to === spec.to ? '' : ' so far'
      return withPrevious(key, { from: spec.from, to }, `${formatSpan(spec.from, to)}${clipped}`)
    }
  }
}

function withPrevious(key: string, range: DayRange, label: string): ResolvedPeriod {
  const days = daysInRange(range.from, range.to)
  return { key, range, previous: { from: addDays(range.from, -days), to: addDays(range.from, -1) }, days, label }
}
