import { describe, expect, it } from 'vitest'
import { DAILY_LAYOUT, renderDailyChart } from '../../bot/render/daily-chart.ts'
import { COLORS } from '../../bot/render/theme.ts'
import { type DecodedPng, decodePng, luminance, rgbOfHex } from './decoded-png.ts'

const BAR_COLORS = [rgbOfHex(COLORS.bar), rgbOfHex(COLORS.barPartial)]
const { plotLeft, plotRight, plotTop, plotBottom } = DAILY_LAYOUT

/** `count` consecutive days from `first` ('YYYY-MM-DD'), with values from `valueOf(i)`. */
function days(first: string, count: number, valueOf: (i: number) => number) {
  const start = Date.parse(`${first}T00:00:00Z`)
  return Array.from({ length: count }, (_, i) => ({
    day: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
    value: valueOf(i),
  }))
}

const isBar = (p: readonly number[]) => BAR_COLORS.some((c) => c.every((v, i) => v === p[i]))

/** Runs of bar-coloured pixels along one row of the plot: one run per visible bar. */
function barRuns(image: DecodedPng, y: number): { start: number; end: number }[] {
  const runs: { start: number; end: number }[] = []
  for (let x = plotLeft; x < plotRight; x++) {
    if (!isBar(image.pixel(x, y))) continue
    const last = runs.at(-1)
    if (last && last.end === x - 1) last.end = x
    else runs.push({ start: x, end: x })
  }
  return runs
}

function barHeight(image: DecodedPng, x: number): number {
  let y = plotBottom - 1
  while (y > 0 && isBar(image.pixel(x, y))) y--
  return plotBottom - 1 - y
}

describe('renderDailyChart', () => {
  it('is an opaque PNG at least 800 px wide', async () => {
    const image = await decodePng(renderDailyChart({ title: 'Chat', days: days('2025-03-01', 30, (i) => i + 1) }))
    expect(image.width).toBeGreaterThanOrEqual(800)
    expect(image.colorType).toBe(6)
    expect(image.pixel(0, 0)).toEqual([...rgbOfHex(COLORS.background), 255])
    expect(image.pixel(image.width - 1, image.height - 1)[3]).toBe(255)
  })

  it('draws one bar per day with heights proportional to the counts', async () => {
    const image = await decodePng(renderDailyChart({ title: 'Chat', days: days('2025-03-01', 3, (i) => [10, 20, 40][i] ?? 0) }))
    const slot = (plotRight - plotLeft) / 3
    const [a, b, c] = [0, 1, 2].map((i) => barHeight(image, Math.round(plotLeft + (i + 0.5) * slot))) as [number, number, number]
    expect(barRuns(image, plotBottom - 2)).toHaveLength(3)
    expect(Math.abs(b - 2 * a)).toBeLessThanOrEqual(2)
    expect(Math.abs(c - 4 * a)).toBeLessThanOrEqual(2)
    // The axis top is a round number not far above the data: the tallest bar uses most of the plot.
    expect(c).toBeGreaterThan((plotBottom - plotTop) / 2)
    expect(c).toBeLessThanOrEqual(plotBottom - plotTop)
  })

  it('fills days missing from the input with zero instead of closing the gap', async () => {
    const input = [{ day: '2025-03-01', value: 5 }, { day: '2025-03-05', value: 5 }]
    const image = await decodePng(renderDailyChart({ title: 'Chat', days: input }))
    const runs = barRuns(image, plotBottom - 2)
    expect(runs).toHaveLength(2)
    const slot = (plotRight - plotLeft) / 5
    const centres = runs.map((r) => (r.start + r.end) / 2)
    expect(Math.abs((centres[1] ?? 0) - (centres[0] ?? 0) - 4 * slot)).toBeLessThanOrEqual(2)
  })

  it('renders a single day as one centred bar', async () => {
    const image = await decodePng(renderDailyChart({ title: 'Today', days: [{ day: '2025-03-24', value: 12 }] }))
    const runs = barRuns(image, plotBottom - 2)
    expect(runs).toHaveLength(1)
    const run = runs[0] ?? { start: 0, end: 0 }
    expect(Math.abs((run.start + run.end) / 2 - (plotLeft + plotRight) / 2)).toBeLessThanOrEqual(2)
  })

  it('groups 1000 days into one bar per calendar month across the whole plot', async () => {
    const input = days('2022-06-20', 1000, (i) => 100 + (i % 50))
    const image = await decodePng(renderDailyChart({ title: 'Since the start', days: input }))
    const months = new Set(input.map((d) => d.day.slice(0, 7)))
    const runs = barRuns(image, plotBottom - 3)
    expect(runs).toHaveLength(months.size)
    expect(runs[0]?.start).toBeLessThan(plotLeft + 30)
    expect(runs.at(-1)?.end).toBeGreaterThan(plotRight - 30)
  })

  it('groups half a year into one bar per ISO week', async () => {
    const input = days('2025-01-01', 200, () => 50)
    const image = await decodePng(renderDailyChart({ title: 'Half a year', days: input }))
    // Monday of each day's week, by plain date arithmetic on the strings.
    const mondays = new Set(
      input.map(({ day }) => {
        const date = new Date(`${day}T00:00:00Z`)
        date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7))
        return date.toISOString().slice(0, 10)
      }),
    )
    expect(barRuns(image, plotBottom - 3)).toHaveLength(mondays.size)
  })

  it.each([
    ['no days at all', []],
    ['only zero counts', days('2025-03-01', 30, () => 0)],
    ['nothing valid', [{ day: '2025-02-30', value: 4 }, { day: 'yesterday', value: 3 }, { day: '2025-03-01', value: Number.NaN }]],
  ])('draws a "no messages" chart for %s', async (_, input) => {
    const image = await decodePng(renderDailyChart({ title: 'Quiet', subtitle: 'Last 30 days', days: input }))
    expect(image.width).toBeGreaterThanOrEqual(800)
    for (let y = plotTop; y < plotBottom; y += 4) expect(barRuns(image, y)).toHaveLength(0)
    const [cx, cy] = [(plotLeft + plotRight) / 2, (plotTop + plotBottom) / 2]
    let dark = 0
    for (let y = cy - 12; y < cy + 12; y++) for (let x = cx - 120; x < cx + 120; x++) if (luminance(image.pixel(x, y)) < 0.4) dark++
    expect(dark).toBeGreaterThan(200)
  })

  it('draws the previous period as a faint line only when it is given', async () => {
    const current = days('2025-03-01', 30, () => 10)
    const previous = days('2025-01-30', 30, () => 30)
    const compareRgb = rgbOfHex(COLORS.compare)
    const nearCompare = (p: readonly number[]) => compareRgb.every((v, i) => Math.abs(v - (p[i] ?? 0)) <= 12)
    const slot = (plotRight - plotLeft) / 30
    const countLine = (image: DecodedPng) => {
      let count = 0
      // Ten columns in the middle of the plot, above the bars: the dashes cross some of them.
      for (let x = Math.round(plotLeft + 15 * slot); x < plotLeft + 15 * slot + 10; x++) {
        for (let y = plotTop - 10; y < plotBottom - barHeight(image, Math.round(plotLeft + 15.5 * slot)) - 2; y++) {
          if (nearCompare(image.pixel(x, y))) count++
        }
      }
      return count
    }
    const withCompare = await decodePng(renderDailyChart({ title: 'Chat', days: current, compare: previous }))
    const without = await decodePng(renderDailyChart({ title: 'Chat', days: current }))
    expect(countLine(withCompare)).toBeGreaterThan(3)
    expect(countLine(without)).toBe(0)
  })
})
