import { afterAll, describe, expect, it } from 'vitest'
import { ChartRenderer } from '../../bot/render/chart-renderer.ts'
import { renderDailyChart, renderHeatmap } from '../../bot/render/index.ts'

const renderer = new ChartRenderer()
afterAll(() => renderer.close())

const days = Array.from({ length: 40 }, (_, i) => ({ day: `2026-0${1 + Math.floor(i / 28)}-${String(1 + (i % 28)).padStart(2, '0')}`, value: (i * 37) % 50 }))
const cells = Array.from({ length: 7 }, (_, d) => Array.from({ length: 24 }, (_, h) => (d * 24 + h) % 13))

describe('the chart thread', () => {
  it('draws the same bytes as drawing in this thread', async () => {
    const input = { title: 'Chat 🦊 مجموعة', subtitle: 'Last 40 days · UTC', days, compare: days.map((d) => ({ ...d, value: d.value + 3 })) }
    expect((await renderer.render({ kind: 'daily', input })).equals(renderDailyChart(input))).toBe(true)
    expect((await renderer.render({ kind: 'heatmap', input: { title: 'Week', cells } })).equals(renderHeatmap({ title: 'Week', cells }))).toBe(true)
  })

  it('fails a chart whose drawing throws, and draws the next one', async () => {
    await expect(renderer.render({ kind: 'daily', input: { title: 'Broken', days: null as never } })).rejects.toThrow(/chart rendering failed/)
    expect((await renderer.render({ kind: 'heatmap', input: { title: 'Week', cells } })).length).toBeGreaterThan(1000)
  })

  it('fails the charts in the thread when it is closed, and starts a new thread for the next', async () => {
    const pending = renderer.render({ kind: 'heatmap', input: { title: 'Week', cells } }).then(() => 'drawn', (error: Error) => error.message)
    await renderer.close()
    expect(await pending).toBe('the chart renderer was closed')
    expect((await renderer.render({ kind: 'heatmap', input: { title: 'Week', cells } })).length).toBeGreaterThan(1000)
  })
})
