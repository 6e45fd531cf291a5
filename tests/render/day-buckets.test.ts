import { describe, expect, it } from 'vitest'
import { bucketDays, MAX_BARS } from '../../bot/render/day-buckets.ts'
import { summarizePeriod } from '../../bot/render/period-summary.ts'

function days(first: string, count: number, valueOf: (i: number) => number) {
  const start = Date.parse(`${first}T00:00:00Z`)
  return Array.from({ length: count }, (_, i) => ({ day: new Date(start + i * 86_400_000).toISOString().slice(0, 10), value: valueOf(i) }))
}

const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000

describe('bucketDays', () => {
  it('is undefined when no entry is usable', () => {
    expect(bucketDays([])).toBeUndefined()
    expect(bucketDays([{ day: '2025-02-29', value: 1 }, { day: '2025-3-1', value: 1 }, { day: '2025-03-01', value: -1 }])).toBeUndefined()
  })

  it('keeps single days, sums duplicates and fills gaps with zero', () => {
    const series = bucketDays([
      { day: '2025-03-04', value: 7 },
      { day: '2025-03-01', value: 2 },
      { day: '2025-03-01', value: 3 },
      { day: '2025-03-02', value: Number.NaN },
    ])
    expect(series?.granularity).toBe('day')
    expect(series?.buckets.map((b) => b.value)).toEqual([5, 0, 0, 7])
    expect(series?.buckets.map((b) => b.start)).toEqual(['2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04'].map(dayNumber))
    expect(series?.buckets.some((b) => b.partial)).toBe(false)
  })

  it(`uses days up to ${MAX_BARS} and ISO weeks after that`, () => {
    expect(bucketDays(days('2025-01-01', MAX_BARS, () => 1))?.granularity).toBe('day')
    const input = days('2025-01-01', MAX_BARS + 1, (i) => i + 1)
    const series = bucketDays(input)
    expect(series?.granularity).toBe('week')
    // Expected sums grouped by the Monday of each day's week, worked out with Date arithmetic.
    const expected = new Map<string, { value: number; days: number }>()
    for (const { day, value } of input) {
      const date = new Date(`${day}T00:00:00Z`)
      date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7))
      const key = date.toISOString().slice(0, 10)
      const entry = expected.get(key) ?? { value: 0, days: 0 }
      expected.set(key, { value: entry.value + value, days: entry.days + 1 })
    }
    expect(series?.buckets.map((b) => ({ start: b.start, value: b.value, partial: b.partial }))).toEqual(
      [...expected].map(([monday, { value, days: count }]) => ({ start: dayNumber(monday), value, partial: count < 7 })),
    )
    // 2025-01-01 was a Wednesday: the first week holds Wednesday to Sunday only.
    expect(series?.buckets[0]).toMatchObject({ start: dayNumber('2024-12-30'), days: 5, partial: true })
  })

  it('uses calendar months for about three years', () => {
    const input = days('2022-06-20', 1_000, (i) => (i % 9) + 1)
    const series = bucketDays(input)
    expect(series?.granularity).toBe('month')
    const byMonth = new Map<string, number>()
    for (const { day, value } of input) byMonth.set(day.slice(0, 7), (byMonth.get(day.slice(0, 7)) ?? 0) + value)
    expect(series?.buckets.map((b) => b.value)).toEqual([...byMonth.values()])
    expect(series?.buckets.map((b) => b.start)).toEqual([...byMonth.keys()].map((month) => dayNumber(`${month}-01`)))
    // 2022-06-20 … 2025-03-15: June and March are partial, everything between is whole.
    const partial = series?.buckets.map((b) => b.partial) ?? []
    expect(partial[0]).toBe(true)
    expect(partial.at(-1)).toBe(true)
    expect(partial.slice(1, -1).every((p) => !p)).toBe(true)
  })

  it('sets the previous period against this one day by day, and stops where it ends', () => {
    const series = bucketDays(days('2025-03-01', 5, () => 10), days('2025-02-20', 3, (i) => i + 1))
    expect(series?.buckets.map((b) => b.compare)).toEqual([1, 2, 3, undefined, undefined])
  })
})

describe('summarizePeriod', () => {
  it('totals, averages and finds the busiest day', () => {
    const summary = summarizePeriod([{ day: '2025-03-01', value: 4 }, { day: '2025-03-03', value: 11 }, { day: '2025-03-04', value: 3 }])
    expect(summary).toMatchObject({ total: 18, days: 4, averagePerDay: 4.5, peak: { dayNumber: dayNumber('2025-03-03'), value: 11 } })
    expect(summary?.previousTotal).toBeUndefined()
  })

  it('compares with a previous period only when it is at least as long', () => {
    const current = days('2025-03-01', 3, () => 10)
    expect(summarizePeriod(current, days('2025-02-26', 3, () => 5))?.previousTotal).toBe(15)
    expect(summarizePeriod(current, days('2025-02-27', 2, () => 5))?.previousTotal).toBeUndefined()
  })
})
