import { describe, expect, it } from 'vitest'
import { dateTicks } from '../../bot/render/date-ticks.ts'
import { bucketDays } from '../../bot/render/day-buckets.ts'

function series(first: string, count: number) {
  const start = Date.parse(`${first}T00:00:00Z`)
  const input = Array.from({ length: count }, (_, i) => ({ day: new Date(start + i * 86_400_000).toISOString().slice(0, 10), value: 1 }))
  const bucketed = bucketDays(input)
  if (!bucketed) throw new Error('no series')
  return bucketed
}

const isoOf = (dayNumber: number) => new Date(dayNumber * 86_400_000).toISOString().slice(0, 10)

describe('dateTicks', () => {
  it('writes the whole date under a single day', () => {
    expect(dateTicks(series('2025-03-24', 1), 13)).toEqual([{ index: 0, label: 'Mon, 24 Mar 2025' }])
  })

  it('names every weekday of a week, with its date underneath', () => {
    const ticks = dateTicks(series('2025-03-24', 7), 13)
    expect(ticks.map((t) => t.label)).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'])
    expect(ticks.map((t) => t.context)).toEqual(['24 Mar', '25 Mar', '26 Mar', '27 Mar', '28 Mar', '29 Mar', '30 Mar'])
  })

  it('puts a quarter of daily bars on Mondays, no more than fit, with the year where it changes', () => {
    const bucketed = series('2024-11-15', 90)
    const ticks = dateTicks(bucketed, 13)
    expect(ticks.length).toBeLessThanOrEqual(13)
    expect(ticks.length).toBeGreaterThanOrEqual(6)
    for (const tick of ticks) {
      const day = new Date((bucketed.buckets[tick.index]?.start ?? 0) * 86_400_000)
      expect(day.getUTCDay()).toBe(1)
    }
    expect(ticks[0]).toMatchObject({ label: '18 Nov', context: '2024' })
    expect(ticks.filter((t) => t.context).map((t) => t.context)).toEqual(['2024', '2025'])
  })

  it('labels month bars by month within the period, thinning to quarters when needed', () => {
    const bucketed = series('2022-06-20', 1_000)
    const ticks = dateTicks(bucketed, 13)
    expect(ticks.length).toBeLessThanOrEqual(13)
    expect(ticks.map((t) => t.label)).toEqual(['Jul', 'Oct', 'Jan', 'Apr', 'Jul', 'Oct', 'Jan', 'Apr', 'Jul', 'Oct', 'Jan'])
    expect(ticks.map((t) => t.context)).toEqual(['2022', undefined, '2023', undefined, undefined, undefined, '2024', undefined, undefined, undefined, '2025'])
    for (const tick of ticks) expect(isoOf(bucketed.buckets[tick.index]?.start ?? 0).slice(8)).toBe('01')
  })

  it('puts a month label under the week that holds the first, never outside the period', () => {
    const bucketed = series('2024-04-01', 365)
    const ticks = dateTicks(bucketed, 13)
    expect(ticks.map((t) => t.label)).toEqual(['Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec', 'Jan', 'Feb', 'Mar'])
    for (const tick of ticks) {
      const monday = bucketed.buckets[tick.index]?.start ?? 0
      const firstOfMonth = Array.from({ length: 7 }, (_, i) => isoOf(monday + i)).find((iso) => iso.endsWith('-01'))
      expect(firstOfMonth).toBeDefined()
    }
  })
})
