import { dayNumber as parseDay } from '../periods/local-days.ts'
import { daysInMonth, monthStart, weekStart } from './calendar-days.ts'

export interface DayValue {
  /** 'YYYY-MM-DD', the chat's local calendar day */
  day: string
  value: number
}

export type Granularity = 'day' | 'week' | 'month'

export interface Bucket {
  /** Day number (days since 1970-01-01) where the bucket's calendar span starts; may precede the data. */
  start: number
  /** Days of the period that fall in this bucket. */
  days: number
  value: number
  /** Sum of the previous period over the same positions, when it covers them. */
  compare?: number
  /** The period covers only part of this week or month, so its bar is not comparable with full ones. */
  partial: boolean
}

export interface BucketedSeries {
  granularity: Granularity
  buckets: Bucket[]
  firstDay: number
  lastDay: number
}

/** More bars than this no longer fit the plot as separate, readable bars. */
export const MAX_BARS = 120

/**
 * Sums values per calendar day over the span first..last input day (missing days count as zero;
 * unparseable days and non-finite or negative values are dropped), then groups the days into days,
 * ISO weeks or months, whichever is finest that keeps within MAX_BARS bars. The previous period is
 * aligned by position: its i-th day is set against the i-th day of this period.
 */
export function bucketDays(days: readonly DayValue[], compare?: readonly DayValue[]): BucketedSeries | undefined {
  const current = denseDays(days)
  if (!current) return undefined
  const previous = compare ? denseDays(compare) : undefined
  const length = current.values.length
  const granularity = chooseGranularity(current.first, current.first + length - 1)
  const spanStart = granularity === 'day' ? (d: number) => d : granularity === 'week' ? weekStart : monthStart
  const spanLength = granularity === 'day' ? () => 1 : granularity === 'week' ? () => 7 : daysInMonth

  const buckets: Bucket[] = []
  for (let i = 0; i < length; i++) {
    const dayNumber = current.first + i
    const start = spanStart(dayNumber)
    let bucket = buckets.at(-1)
    if (!bucket || bucket.start !== start) {
      bucket = { start, days: 0, value: 0, partial: false }
      if (previous) bucket.compare = 0
      buckets.push(bucket)
    }
    bucket.days++
    bucket.value += current.values[i] ?? 0
    if (previous) {
      const previousValue = previous.values[i]
      // Beyond the end of the previous period there is nothing to compare with.
      bucket.compare = previousValue === undefined || bucket.compare === undefined ? undefined : bucket.compare + previousValue
    }
  }
  for (const bucket of buckets) bucket.partial = bucket.days < spanLength(bucket.start)
  return { granularity, buckets, firstDay: current.first, lastDay: current.first + length - 1 }
}

function chooseGranularity(firstDay: number, lastDay: number): Granularity {
  if (lastDay - firstDay + 1 <= MAX_BARS) return 'day'
  const weeks = (weekStart(lastDay) - weekStart(firstDay)) / 7 + 1
  return weeks <= MAX_BARS ? 'week' : 'month'
}

export interface DenseDays {
  /** Day number of values[0] */
  first: number
  /** One total per calendar day, gaps filled with zero. */
  values: number[]
}

/** Per-day totals from the first to the last valid input day; undefined when no entry is valid. */
export function denseDays(days: readonly DayValue[]): DenseDays | undefined {
  const sums = new Map<number, number>()
  for (const { day, value } of days) {
    const dayNumber = parseDay(day)
    if (dayNumber === undefined || !Number.isFinite(value) || value < 0) continue
    sums.set(dayNumber, (sums.get(dayNumber) ?? 0) + value)
  }
  if (sums.size === 0) return undefined
  let first = Number.POSITIVE_INFINITY
  let last = Number.NEGATIVE_INFINITY
  for (const dayNumber of sums.keys()) {
    first = Math.min(first, dayNumber)
    last = Math.max(last, dayNumber)
  }
  const values = Array.from({ length: last - first + 1 }, (_, i) => sums.get(first + i) ?? 0)
  return { first, values }
}
