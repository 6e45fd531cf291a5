// Days are counted as whole days since 1970-01-01 and handled in UTC: the input is already the
// chat's local calendar day, so no time zone may shift it again.
const MS_PER_DAY = 86_400_000
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/

export const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const
export const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const

export interface CalendarDay {
  year: number
  /** 0 = January */
  month: number
  day: number
  /** 0 = Monday … 6 = Sunday */
  weekday: number
}

/** 'YYYY-MM-DD' → day number, or undefined for anything that is not a real calendar date. */
export function parseDay(text: string): number | undefined {
  const match = DAY_PATTERN.exec(text)
  if (!match) return undefined
  const [year, month, day] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])]
  const date = new Date(Date.UTC(year, month, day))
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month || date.getUTCDate() !== day) return undefined
  return date.getTime() / MS_PER_DAY
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
  return `${day} ${MONTH_NAMES[month]}`
}

/** "Mon, 3 Mar 2025" */
export function formatLongDay(dayNumber: number): string {
  const { weekday, year } = calendarDay(dayNumber)
  return `${WEEKDAY_NAMES[weekday]}, ${formatDayMonth(dayNumber)} ${year}`
}
