export { DEFAULT_PERIOD, MAX_RANGE_DAYS, parsePeriod, periodKey, type PeriodSpec } from './periods/parse-period.ts'
export { resolvePeriod, type PeriodClock, type ResolvedPeriod } from './periods/resolve-period.ts'
export { canonicalTimeZone, localTime, utcOffsetLabel } from './periods/time-zones.ts'
export { addDays, formatDay, formatSpan, localDay, weekdayOf, WEEKDAYS } from './periods/local-days.ts'
