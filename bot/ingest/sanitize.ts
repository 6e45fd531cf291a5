const NUL = /\u0000/g

/** PostgreSQL text cannot hold NUL; everything else (any script, emoji, RTL marks) is kept as is. */
export function cleanText(value: string | undefined | null): string | null {
  if (value === undefined || value === null) return null
  return value.includes('\u0000') ? value.replace(NUL, '') : value
}

// Telegram started in August 2013; a date before that, or more than a day ahead, is not real.
const EARLIEST = Date.UTC(2013, 7, 1) / 1000
const AHEAD_SECONDS = 86_400

export function isPlausibleDate(date: unknown, nowSeconds = Date.now() / 1000): date is number {
  return typeof date === 'number' && Number.isInteger(date) && date >= EARLIEST && date <= nowSeconds + AHEAD_SECONDS
}

export function isSafeId(id: unknown): id is number {
  return typeof id === 'number' && Number.isSafeInteger(id)
}
