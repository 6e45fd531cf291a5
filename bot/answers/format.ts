// Answers are plain text (no parse mode), so nothing a user typed can turn into markup.
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })

export const MINUS = '−'

export function formatCount(n: number): string {
  return n < 0 ? `${MINUS}${integer.format(-n)}` : integer.format(n)
}

export function formatDecimal(n: number): string {
  return oneDecimal.format(n)
}

export function formatSigned(n: number): string {
  return n > 0 ? `+${formatCount(n)}` : n < 0 ? formatCount(n) : '±0'
}

/** Change against the previous period: '+12.5%', '−3.0%', '±0%', or 'new' when it was zero. */
export function formatChange(current: number, previous: number): string {
  if (previous === current) return '±0%'
  if (previous === 0) return 'new'
  const percent = ((current - previous) / Math.abs(previous)) * 100
  return `${percent > 0 ? '+' : MINUS}${oneDecimal.format(Math.abs(percent))}%`
}

export function formatShare(part: number, total: number): string {
  return total > 0 ? `${oneDecimal.format((part / total) * 100)}%` : '—'
}

const WORD_JOINER = '\u2060'
const FIRST_STRONG_ISOLATE = '\u2068'
const POP_DIRECTIONAL_ISOLATE = '\u2069'

/**
 * A display name as it is (any script, emoji), made inert: an invisible word joiner after every
 * '@' keeps Telegram from reading '@name' as a mention that would ping someone, and a bidi
 * isolate keeps a right-to-left name from reordering the rest of the line.
 */
export function displayName(name: string, fallback: string): string {
  const clean = name.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  // Telegram names are at most 64 + 64 characters: shown whole.
  return `${FIRST_STRONG_ISOLATE}${inert(clean || fallback, 256)}${POP_DIRECTIONAL_ISOLATE}`
}

/** Text a user typed, safe to echo: no mention can form, and it stays short. */
export function inert(text: string, maxLength = 64): string {
  const short = text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text
  return short.replaceAll('@', `@${WORD_JOINER}`)
}
