const NUL = /\u0000/g

/** PostgreSQL text cannot hold NUL; everything else (any script, emoji, RTL marks) is kept as is. */
export function cleanText(value: string | undefined | null): string | null {
  if (value === undefined || value === null) return null
  return value.includes('\u0000') ? value.replace(NUL, '') : value
}

// Telegram started in August 2013, and its dates are its own servers' clock: this machine's
// clock is no guide (one set a few days back would make every update look like it came from
// the future). Only dates no Telegram server can have sent are refused.
const EARLIEST = Date.UTC(2013, 7, 1) / 1000
const LATEST = Date.UTC(2100, 0, 1) / 1000

export function isPlausibleDate(date: unknown): date is number {
  return typeof date === 'number' && Number.isInteger(date) && date >= EARLIEST && date < LATEST
}

export function isSafeId(id: unknown): id is number {
  return typeof id === 'number' && Number.isSafeInteger(id)
}
