import type { SKRSContext2D } from '@napi-rs/canvas'
import { chartCanvas } from './chart-canvas.ts'
import { drawCenteredNote, drawHeader, fillBackground, HEADER } from './draw-text.ts'
import { encodePng } from './encode-png.ts'
import { chartFont, registerChartFonts } from './fonts.ts'
import { formatAxisLabels } from './number-format.ts'
import { CANVAS, COLORS, PLOT_FRAME } from './theme.ts'

// Telegram's official channel statistics, two series over time (followers and views, or members
// and messages). renderDailyChart draws one message-count series from zero; here each series gets
// its own panel and its own scale, because a follower total and daily views differ by orders of
// magnitude and a follower total is best read around its own range, not from zero.

export interface ChannelSeries {
  label: string
  color: string
  days: { day: string; value: number }[]
}

export interface ChannelChartInput {
  title: string
  subtitle?: string
  series: ChannelSeries[]
}

export const CHANNEL_LAYOUT = {
  ...PLOT_FRAME,
  top: 140,
  bottom: CANVAS.height - 44,
  panelGap: 44,
} as const

const DAY_MS = 86_400_000
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

export function renderChannelChart(input: ChannelChartInput): Buffer {
  registerChartFonts()
  const canvas = chartCanvas(CHANNEL_LAYOUT.width, CHANNEL_LAYOUT.height)
  const ctx = canvas.getContext('2d')
  fillBackground(ctx)
  drawHeader(ctx, input, CHANNEL_LAYOUT.plotRight - HEADER.x)

  const series = input.series.filter((s) => s.days.length > 0)
  const { plotLeft, plotRight, top, bottom, panelGap } = CHANNEL_LAYOUT
  if (series.length === 0) {
    drawCenteredNote(ctx, 'No daily statistics loaded yet', (plotLeft + plotRight) / 2, (top + bottom) / 2)
    return encodePng(canvas)
  }
  const days = series.flatMap((s) => s.days.map((d) => dayNumber(d.day)))
  const range = { first: Math.min(...days), last: Math.max(...days) }
  const panelHeight = (bottom - top - panelGap * (series.length - 1)) / series.length
  series.forEach((s, i) => {
    const panelTop = top + i * (panelHeight + panelGap)
    drawPanel(ctx, s, range, panelTop, panelTop + panelHeight, i === series.length - 1)
  })
  return encodePng(canvas)
}

function drawPanel(ctx: SKRSContext2D, series: ChannelSeries, range: { first: number; last: number }, panelTop: number, panelBottom: number, withDates: boolean) {
  const { plotLeft, plotRight } = CHANNEL_LAYOUT
  const plotTop = panelTop + 24
  const values = series.days.map((d) => d.value)
  const ticks = rangeTicks(Math.min(...values), Math.max(...values))
  const x = (day: number) => (range.last === range.first ? (plotLeft + plotRight) / 2 : plotLeft + ((day - range.first) / (range.last - range.first)) * (plotRight - plotLeft))
  const y = (v: number) => panelBottom - ((v - ticks.min) / (ticks.max - ticks.min)) * (panelBottom - plotTop)

  ctx.font = chartFont(15, 700, series.label)
  ctx.textAlign = 'left'
  ctx.textBaseline = 'alphabetic'
  ctx.fillStyle = series.color
  ctx.fillText(series.label, plotLeft - 56, panelTop + 10)

  ctx.font = chartFont(13)
  ctx.textAlign = 'right'
  ctx.textBaseline = 'middle'
  ctx.lineWidth = 1
  const labels = formatAxisLabels(ticks.values)
  ticks.values.forEach((value, i) => {
    const lineY = Math.round(y(value)) + 0.5
    ctx.strokeStyle = i === 0 ? COLORS.axis : COLORS.grid
    ctx.beginPath()
    ctx.moveTo(plotLeft, lineY)
    ctx.lineTo(plotRight, lineY)
    ctx.stroke()
    ctx.fillStyle = COLORS.muted
    ctx.fillText(labels[i] ?? '', plotLeft - 10, lineY)
  })

  const points = [...series.days].sort((a, b) => a.day.localeCompare(b.day)).map((d) => [x(dayNumber(d.day)), y(d.value)] as const)
  ctx.strokeStyle = series.color
  ctx.lineWidth = 2.5
  ctx.lineJoin = 'round'
  ctx.beginPath()
  points.forEach(([px, py], i) => (i === 0 ? ctx.moveTo(px, py) : ctx.lineTo(px, py)))
  if (points.length === 1) ctx.arc(points[0]![0], points[0]![1], 3, 0, Math.PI * 2)
  ctx.stroke()

  if (withDates) drawDates(ctx, range, x, panelBottom)
}

function drawDates(ctx: SKRSContext2D, range: { first: number; last: number }, x: (day: number) => number, baseline: number) {
  ctx.font = chartFont(13)
  ctx.fillStyle = COLORS.muted
  ctx.textBaseline = 'top'
  const span = range.last - range.first
  const count = Math.min(6, span + 1)
  for (let i = 0; i < count; i++) {
    const day = count === 1 ? range.first : Math.round(range.first + (span * i) / (count - 1))
    ctx.textAlign = i === 0 && count > 1 ? 'left' : i === count - 1 && count > 1 ? 'right' : 'center'
    ctx.fillText(formatDay(day), x(day), baseline + 10)
  }
}

/** Axis ticks around the data's own range (not from zero), about four intervals of a round step. */
export function rangeTicks(low: number, high: number): { min: number; max: number; values: number[] } {
  if (high === low) {
    const pad = Math.max(1, Math.abs(high) * 0.1)
    return rangeTicks(low - pad, high + pad)
  }
  const rough = (high - low) / 4
  const magnitude = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? magnitude * 10
  const min = Math.floor(low / step) * step
  const max = Math.ceil(high / step) * step
  const values: number[] = []
  for (let v = min; v <= max + step / 2; v += step) values.push(Number(v.toPrecision(12)))
  return { min, max, values }
}

function dayNumber(day: string): number {
  return Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS)
}

function formatDay(dayNumber: number): string {
  const date = new Date(dayNumber * DAY_MS)
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`
}
