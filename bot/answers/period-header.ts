import type { ResolvedPeriod } from '../periods.ts'

/** First lines of every answer: what, for which days, in which time zone. */
export function periodHeader(title: string, period: ResolvedPeriod, timeZone: string): string {
  return `${title} — ${period.label}\nTime zone: ${timeZone}`
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
