import { type DayValue, denseDays } from './day-buckets.ts'

export interface PeriodSummary {
  total: number
  /** Day number of the period's first day */
  firstDay: number
  days: number
  averagePerDay: number
  peak: { dayNumber: number; value: number }
  /** Total of the previous period over as many days as this one, when it covers that many. */
  previousTotal?: number
}

export function summarizePeriod(days: readonly DayValue[], compare?: readonly DayValue[]): PeriodSummary | undefined {
  const current = denseDays(days)
  if (!current) return undefined
  let total = 0
  let peak = { dayNumber: current.first, value: -1 }
  current.values.forEach((value, i) => {
    total += value
    if (value > peak.value) peak = { dayNumber: current.first + i, value }
  })
  const summary: PeriodSummary = { total, firstDay: current.first, days: current.values.length, averagePerDay: total / current.values.length, peak }
  const previous = compare ? denseDays(compare) : undefined
  // A shorter previous period would make any change look like growth.
  if (previous && previous.values.length >= current.values.length) {
    summary.previousTotal = previous.values.slice(0, current.values.length).reduce((sum, v) => sum + v, 0)
  }
  return summary
}
