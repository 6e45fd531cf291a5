import { dayNumber } from './local-days.ts'

export type LastDays = '7d' | '30d' | '90d' | '1y'

export type PeriodSpec =
  | { kind: 'today' }
  | { kind: 'yesterday' }
  | { kind: 'last'; key: LastDays; days: number }
  | { kind: 'all' }
  | { kind: 'month'; year: number; month: number }
  | { kind: 'range'; from: string; to: string }

export const DEFAULT_PERIOD: PeriodSpec = { kind: 'last', key: '30d', days: 30 }

/** `1y` is the last 365 local days, so its previous period has the same length every year. */
const LAST_DAYS: Record<LastDays, number> = { '7d': 7, '30d': 30, '90d': 90, '1y': 365 }

/** Longer custom ranges are almost certainly typos; `all` covers everything anyway. */
export const MAX_RANGE_DAYS = 3660

const MONTH = /^(\d{4})-(\d{2})$/
const RANGE = /^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|–|—)\s*(\d{4}-\d{2}-\d{2})$/
const DAY = /^\d{4}-\d{2}-\d{2}$/

/** Reads a period argument (case-insensitive); an empty one is the default, 30 days. */
export function parsePeriod(input: string): PeriodSpec | { error: string } {
  const text = input.trim().toLowerCase()
  if (text === '') return DEFAULT_PERIOD
  if (text === 'today' || text === 'yesterday' || text === 'all') return { kind: text }
  if (text in LAST_DAYS) return { kind: 'last', key: text as LastDays, days: LAST_DAYS[text as LastDays] }
  const month = MONTH.exec(text)
  if (month) {
    const [year, number] = [Number(month[1]), Number(month[2])]
    if (number < 1 || number > 12) return { error: `“${input.trim()}” is not a month` }
    return { kind: 'month', year, month: number }
  }
  if (DAY.test(text)) {
    if (dayNumber(text) === undefined) return { error: `${text} is not a date` }
    return { kind: 'range', from: text, to: text }
  }
  const range = RANGE.exec(text)
  if (range) {
    const [from, to] = [range[1] as string, range[2] as string]
    const [a, b] = [dayNumber(from), dayNumber(to)]
    if (a === undefined) return { error: `${from} is not a date` }
    if (b === undefined) return { error: `${to} is not a date` }
    if (a > b) return { error: `the range starts after it ends (${from} > ${to})` }
    if (b - a + 1 > MAX_RANGE_DAYS) return { error: `that range is ${b - a + 1} days long; at most ${MAX_RANGE_DAYS} — use “all” for everything` }
    return { kind: 'range', from, to }
  }
  return { error: `“${input.trim()}” is not a period I know` }
}

/** The canonical text of a period, as typed by a user; used in buttons and cache keys. */
export function periodKey(spec: PeriodSpec): string {
  switch (spec.kind) {
    case 'today':
    case 'yesterday':
    case 'all':
      return spec.kind
    case 'last':
      return spec.key
    case 'month':
      return `${spec.year}-${String(spec.month).padStart(2, '0')}`
    case 'range':
      return spec.from === spec.to ? spec.from : `${spec.from}..${spec.to}`
  }
}
