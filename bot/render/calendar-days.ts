// Day parsing and the short names come from the periods: one calendar for answers and charts.
import { MONTHS, WEEKDAYS } from '../periods/local-days.ts'

// Days are counted as whole days since 1970-01-01 and handled in UTC: the input is already the
// chat's local calendar day, so no time zone may shift it again.
const MS_PER_DAY = 86_400_000


export interface CalendarDay {
  year: number
  /** 0 = January */
  month: number
  day: number
  /** 0 = Monday … 6 = Sunday */
  weekday: number
}

export function calendarDay(dayNumber: number): CalendarDay {
  const date = new Date(dayNumber * MS_PER_DAY)
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth(),
    day: date.getUTCDate(),
    weekday: (date.getUTCDay() + 6) % 7,
  }
}

/** Day number of the Monday starting the ISO week that contains `dayNumber`. */
export function weekStart(dayNumber: number): number {
  return dayNumber - calendarDay(dayNumber).weekday
}

/** Day number of the first of the month that contains `dayNumber`. */
export function monthStart(dayNumber: number): number {
  const { year, month } = calendarDay(dayNumber)
  return Date.UTC(year, month, 1) / MS_PER_DAY
}

export function daysInMonth(dayNumber: number): number {
  const { year, month } = calendarDay(dayNumber)
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
}

/** "3 Mar" */
export function formatDayMonth(dayNumber: number): string {
  const { day, month } = calendarDay(dayNumber)
  return `${day} ${MONTHS[month]}`
}

/** "Mon, 3 Mar 2025" */
export function formatLongDay(dayNumber: number): string {
  const { weekday, year } = calendarDay(dayNumber)
  return `${WEEKDAYS[weekday]}, ${formatDayMonth(dayNumber)} ${year}`
}
