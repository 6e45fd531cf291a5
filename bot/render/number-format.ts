const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** 1234567 → "1,234,567": exact counts in summaries and legends. */
export function formatCount(value: number): string {
  return grouped.format(Math.round(value))
}

const UNITS = [
  { divisor: 1_000_000_000, suffix: 'B' },
  { divisor: 1_000_000, suffix: 'M' },
  { divisor: 1_000, suffix: 'k' },
] as const

/**
 * Labels for one axis, all in the same unit chosen by the largest: exact counts up to 9,999, then
 * "12k", "1.5M", so labels stay short and "8,000" never sits under "10k".
 */
export function formatAxisLabels(values: readonly number[]): string[] {
  const largest = Math.max(0, ...values.map(Math.abs))
  const unit = largest < 10_000 ? undefined : UNITS.find((u) => largest >= u.divisor)
  if (!unit) return values.map(formatCount)
  return values.map((value) => (value === 0 ? '0' : `${trimZeros(value / unit.divisor)}${unit.suffix}`))
}

function trimZeros(value: number): string {
  // Up to two decimals so steps like 2.5k or 1.25M stay exact; trailing zeros carry nothing.
  return value.toFixed(2).replace(/\.?0+$/, '')
}
