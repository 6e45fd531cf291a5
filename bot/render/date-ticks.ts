import { MONTHS, WEEKDAYS } from '../periods/local-days.ts'
import { calendarDay, formatDayMonth, formatLongDay } from './calendar-days.ts'
import type { BucketedSeries } from './day-buckets.ts'

export interface DateTick {
  /** Index of the bucket whose bar the label sits under. */
  index: number
  label: string
  /** Second, quieter line: the year where it changes, or the date under a weekday. */
  context?: string
}

const DAY_STEPS = [1, 2, 7, 14]
const MONTH_STEPS = [1, 2, 3, 6, 12]

/**
 * Labels for the x axis: no more than `maxTicks`, placed on calendar boundaries a reader expects
 * (Mondays, firsts of months, quarters, years) rather than on every n-th bar.
 */
export function dateTicks(series: BucketedSeries, maxTicks: number): DateTick[] {
  const { buckets, granularity } = series
  const only = buckets[0]
  if (buckets.length === 1 && only && granularity === 'day') return [{ index: 0, label: formatLongDay(only.start) }]
  if (granularity === 'day') return dayTicks(series, maxTicks)
  return monthTicks(series, maxTicks)
}

function dayTicks(series: BucketedSeries, maxTicks: number): DateTick[] {
  const { buckets } = series
  // A week or two: name each weekday, which is what people compare within a short period.
  if (buckets.length <= Math.min(maxTicks, 16)) {
    return buckets.map((bucket, index) => ({
      index,
      label: WEEKDAYS[calendarDay(bucket.start).weekday] ?? '',
      context: formatDayMonth(bucket.start),
    }))
  }
  for (const step of DAY_STEPS) {
    const indexes = buckets
      .map((bucket, index) => ({ bucket, index }))
      .filter(({ bucket, index }) => (step < 7 ? index % step === 0 : isMondayOfStep(bucket.start, step)))
      .map(({ index }) => index)
    if (indexes.length <= maxTicks) {
      return withYears(indexes, indexes.map((i) => buckets[i]?.start ?? 0), formatDayMonth)
    }
  }
  return monthTicks(series, maxTicks)
}

function isMondayOfStep(dayNumber: number, step: number): boolean {
  // 1970-01-05 was a Monday; counting weeks from it keeps fortnightly ticks on the same Mondays.
  return calendarDay(dayNumber).weekday === 0 && ((dayNumber - 4) / 7) % (step / 7) === 0
}

function monthTicks({ buckets, granularity, firstDay, lastDay }: BucketedSeries, maxTicks: number): DateTick[] {
  // The bucket holding the first of each month inside the period; a week may hold it on any day.
  const span = granularity === 'week' ? 7 : 1
  const firsts: { index: number; dayNumber: number }[] = []
  buckets.forEach((bucket, index) => {
    for (let day = Math.max(bucket.start, firstDay); day < Math.min(bucket.start + span, lastDay + 1); day++) {
      if (calendarDay(day).day === 1) firsts.push({ index, dayNumber: day })
    }
  })
  for (const step of MONTH_STEPS) {
    const chosen = firsts.filter(({ dayNumber }) => calendarDay(dayNumber).month % step === 0)
    if (chosen.length > 0 && chosen.length <= maxTicks) {
      return withYears(
        chosen.map(({ index }) => index),
        chosen.map(({ dayNumber }) => dayNumber),
        (dayNumber) => MONTHS[calendarDay(dayNumber).month] ?? '',
      )
    }
  }
  return []
}

function withYears(indexes: number[], tickDays: number[], format: (dayNumber: number) => string): DateTick[] {
  let shownYear: number | undefined
  return indexes.map((index, i) => {
    const dayNumber = tickDays[i] ?? 0
    const { year } = calendarDay(dayNumber)
    const tick: DateTick = { index, label: format(dayNumber) }
    if (year !== shownYear) tick.context = String(year)
    shownYear = year
    return tick
  })
}
