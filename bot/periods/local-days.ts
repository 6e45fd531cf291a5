// Calendar days are 'YYYY-MM-DD' strings of the chat's local calendar. Arithmetic on them is done
// on whole days since 1970-01-01 in UTC, so neither the machine's zone nor DST can shift a day.
const MS_PER_DAY = 86_400_000
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const
export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const
export const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December',
] as const

const dayFormats = new Map<string, Intl.DateTimeFormat>()

/** The calendar day `instant` falls on in `timeZone` (an IANA name Intl knows). */
export function localDay(instant: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, calendar: 'gregory', numberingSystem: 'latn', year: 'numeric', month: '2-digit', day: '2-digit',
    })
    dayFormats.set(timeZone, format)
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]))
  return `${parts.year}-${parts.month}-${parts.day}`
}

/** 'YYYY-MM-DD' → day number, or undefined for anything that is not a real calendar date (2026-02-30). */
export function dayNumber(day: string): number | undefined {
  const match = DAY_PATTERN.exec(day)
  if (!match) return undefined
  const [year, month, date] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])]
  const utc = new Date(Date.UTC(year, month, date))
  if (utc.getUTCFullYear() !== year || utc.getUTCMonth() !== month || utc.getUTCDate() !== date) return undefined
  return utc.getTime() / MS_PER_DAY
}

export function dayFromNumber(n: number): string {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10)
}

export function addDays(day: string, days: number): string {
  return dayFromNumber(mustDayNumber(day) + days)
}

/** Days from `from` to `to`, both included (1 for a single day). */
export function daysInRange(from: string, to: string): number {
  return mustDayNumber(to) - mustDayNumber(from) + 1
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayOf(day: string): number {
  return (new Date(mustDayNumber(day) * MS_PER_DAY).getUTCDay() + 6) % 7
}

export function lastDayOfMonth(year: number, month: number): string {
  return dayFromNumber(Date.UTC(year, month, 0) / MS_PER_DAY)
}

function mustDayNumber(day: string): number {
  const n = dayNumber(day)
  if (n === undefined) throw new Error(`not a calendar day: ${day}`)
  return n
}

/** '22 Nov 2026' */
export function formatDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return `${d} ${MONTHS[m - 1]} ${y}`
}

/** A span of days as short as it reads unambiguously: '16–22 Nov 2026', '30 Oct – 5 Nov 2026'. */
export function formatSpan(from: string, to: string): string {
  if (from === to) return formatDay(from)
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number]
  const [ty, tm] = to.split('-').map(Number) as [number, number, number]
  if (fy === ty && fm === tm) return `${fd}–${formatDay(to)}`
  if (fy === ty) return `${fd} ${MONTHS[fm - 1]} – ${formatDay(to)}`
  return `${formatDay(from)} – ${formatDay(to)}`
}
