import type { SKRSContext2D } from '@napi-rs/canvas'
import { chartCanvas } from './chart-canvas.ts'
import { calendarDay, formatDayMonth } from './calendar-days.ts'
import { dateTicks } from './date-ticks.ts'
import { type Bucket, type BucketedSeries, bucketDays, type DayValue, type Granularity } from './day-buckets.ts'
import { drawCenteredNote, drawHeader, drawHeadline, fillBackground, HEADER } from './draw-text.ts'
import { encodePng } from './encode-png.ts'
import { chartFont, registerChartFonts } from './fonts.ts'
import { niceTicks } from './nice-ticks.ts'
import { formatAxisLabels, formatCount } from './number-format.ts'
import { type PeriodSummary, summarizePeriod } from './period-summary.ts'
import { CANVAS, COLORS, PLOT_FRAME } from './theme.ts'

export interface DailyChartInput {
  title: string
  subtitle?: string
  /** Message count per local day; days missing between the first and the last count as zero. */
  days: DayValue[]
  /** The previous period, aligned day by day with `days`, drawn as a faint dashed line. */
  compare?: DayValue[]
}

export const DAILY_LAYOUT = {
  ...PLOT_FRAME,
  plotTop: 156,
  plotBottom: CANVAS.height - 72,
  /** Narrowest space a date label may take, so neighbours never touch. */
  minTickSpacing: 64,
} as const

const UNIT: Record<Granularity, string> = { day: 'day', week: 'week', month: 'month' }
const EMPTY_NOTE = 'No messages in this period'

/** A bar chart of messages per day, week or month (whichever keeps bars readable) as a PNG. */
export function renderDailyChart(input: DailyChartInput): Buffer {
  registerChartFonts()
  const canvas = chartCanvas(DAILY_LAYOUT.width, DAILY_LAYOUT.height)
  const ctx = canvas.getContext('2d')
  fillBackground(ctx)

  const series = bucketDays(input.days, input.compare)
  const summary = summarizePeriod(input.days, input.compare)
  const summaryWidth = summary && summary.total > 0 ? drawSummary(ctx, summary) : 0
  drawHeader(ctx, input, DAILY_LAYOUT.plotRight - HEADER.x - (summaryWidth > 0 ? summaryWidth + 32 : 0))

  if (!series || !summary || summary.total === 0) {
    drawBaseline(ctx)
    const { plotLeft, plotRight, plotTop, plotBottom } = DAILY_LAYOUT
    drawCenteredNote(ctx, EMPTY_NOTE, (plotLeft + plotRight) / 2, (plotTop + plotBottom) / 2)
  } else {
    drawPlot(ctx, series)
  }
  return encodePng(canvas)
}

function drawPlot(ctx: SKRSContext2D, series: BucketedSeries): void {
  const { plotLeft, plotRight, plotTop, plotBottom } = DAILY_LAYOUT
  const { buckets } = series
  const highest = Math.max(...buckets.map((b) => Math.max(b.value, b.compare ?? 0)))
  const ticks = niceTicks(highest)
  const y = (value: number) => plotBottom - (value / ticks.max) * (plotBottom - plotTop)
  const slot = (plotRight - plotLeft) / buckets.length

  drawGrid(ctx, ticks.values, y)
  drawCaption(ctx, series)
  const width = barWidth(slot, buckets.length)
  buckets.forEach((bucket, i) => drawBar(ctx, bucket, plotLeft + i * slot + (slot - width) / 2, width, y))
  if (buckets.some((b) => b.compare !== undefined)) drawCompare(ctx, buckets, slot, y)
  drawBaseline(ctx)
  drawPeakLabel(ctx, buckets, slot, y)
  drawDateTicks(ctx, series, slot)
}

function barWidth(slot: number, count: number): number {
  if (count === 1) return Math.min(slot * 0.5, 120)
  // Very thin bars lose their gaps, otherwise the gaps would eat most of the ink.
  if (slot < 4) return slot * 0.9
  return Math.min(slot * 0.72, 48)
}

function drawBar(ctx: SKRSContext2D, bucket: Bucket, left: number, width: number, y: (v: number) => number): void {
  if (bucket.value <= 0) return
  const top = y(bucket.value)
  // At least a sliver, so a day with one message among thousands is still visible.
  const height = Math.max(DAILY_LAYOUT.plotBottom - top, 1.5)
  ctx.fillStyle = bucket.partial ? COLORS.barPartial : COLORS.bar
  const radius = Math.min(4, width / 3)
  // A corner under 2 px cannot be seen, and a year of rounded bars costs Skia several ms.
  if (radius < 2) {
    ctx.fillRect(left, DAILY_LAYOUT.plotBottom - height, width, height)
    return
  }
  ctx.beginPath()
  ctx.roundRect(left, DAILY_LAYOUT.plotBottom - height, width, height, [radius, radius, 0, 0])
  ctx.fill()
}

function drawGrid(ctx: SKRSContext2D, values: number[], y: (v: number) => number): void {
  const { plotLeft, plotRight } = DAILY_LAYOUT
  ctx.font = chartFont(13)
  ctx.textAlign = 'right'
  ctx.textBaseline = 'middle'
  ctx.lineWidth = 1
  const labels = formatAxisLabels(values)
  values.forEach((value, i) => {
    const lineY = Math.round(y(value)) + 0.5
    if (value > 0) {
      ctx.strokeStyle = COLORS.grid
      ctx.beginPath()
      ctx.moveTo(plotLeft, lineY)
      ctx.lineTo(plotRight, lineY)
      ctx.stroke()
    }
    ctx.fillStyle = COLORS.muted
    ctx.fillText(labels[i] ?? '', plotLeft - 10, lineY)
  })
}

function drawBaseline(ctx: SKRSContext2D): void {
  const { plotLeft, plotRight, plotBottom } = DAILY_LAYOUT
  ctx.strokeStyle = COLORS.axis
  ctx.lineWidth = 1
  ctx.beginPath()
  ctx.moveTo(plotLeft, plotBottom + 0.5)
  ctx.lineTo(plotRight, plotBottom + 0.5)
  ctx.stroke()
}

function drawCaption(ctx: SKRSContext2D, { granularity, buckets }: BucketedSeries): void {
  const unit = UNIT[granularity]
  let caption = `Messages per ${unit}`
  if (buckets.some((b) => b.partial)) caption += ` · lighter bars cover only part of a ${unit}`
  ctx.font = chartFont(13)
  ctx.textAlign = 'left'
  ctx.textBaseline = 'alphabetic'
  ctx.fillStyle = COLORS.muted
  ctx.fillText(caption, DAILY_LAYOUT.plotLeft - 56, DAILY_LAYOUT.plotTop - 22)
  if (buckets.some((b) => b.compare !== undefined)) drawLegend(ctx)
}

function drawLegend(ctx: SKRSContext2D): void {
  const right = DAILY_LAYOUT.plotRight
  const baseline = DAILY_LAYOUT.plotTop - 22
  ctx.font = chartFont(13)
  ctx.textAlign = 'left'
  const previous = 'Previous period'
  const current = 'This period'
  const previousX = right - ctx.measureText(previous).width
  const currentX = previousX - 40 - ctx.measureText(current).width
  ctx.fillStyle = COLORS.bar
  ctx.fillRect(currentX - 18, baseline - 10, 11, 11)
  ctx.fillStyle = COLORS.text
  ctx.fillText(current, currentX, baseline)
  ctx.strokeStyle = COLORS.compare
  ctx.lineWidth = 2
  ctx.setLineDash([5, 3])
  ctx.beginPath()
  ctx.moveTo(previousX - 26, baseline - 4.5)
  ctx.lineTo(previousX - 6, baseline - 4.5)
  ctx.stroke()
  ctx.setLineDash([])
  ctx.fillText(previous, previousX, baseline)
}

/** The previous period as a dashed step line: one level per bar, so it reads against the bars. */
function drawCompare(ctx: SKRSContext2D, buckets: Bucket[], slot: number, y: (v: number) => number): void {
  ctx.strokeStyle = COLORS.compare
  ctx.lineWidth = 2
  ctx.setLineDash([5, 3])
  ctx.beginPath()
  let drawing = false
  buckets.forEach((bucket, i) => {
    if (bucket.compare === undefined) {
      drawing = false
      return
    }
    const left = DAILY_LAYOUT.plotLeft + i * slot
    const level = y(bucket.compare)
    if (drawing) ctx.lineTo(left, level)
    else ctx.moveTo(left, level)
    ctx.lineTo(left + slot, level)
    drawing = true
  })
  ctx.stroke()
  ctx.setLineDash([])
}

function drawPeakLabel(ctx: SKRSContext2D, buckets: Bucket[], slot: number, y: (v: number) => number): void {
  let peakIndex = 0
  buckets.forEach((bucket, i) => {
    if (bucket.value > (buckets[peakIndex]?.value ?? 0)) peakIndex = i
  })
  const peak = buckets[peakIndex]
  if (!peak) return
  const text = formatCount(peak.value)
  ctx.font = chartFont(13, 700)
  const half = ctx.measureText(text).width / 2
  const centre = DAILY_LAYOUT.plotLeft + (peakIndex + 0.5) * slot
  const x = Math.min(Math.max(centre, DAILY_LAYOUT.plotLeft + half), DAILY_LAYOUT.plotRight - half)
  ctx.textAlign = 'center'
  ctx.textBaseline = 'alphabetic'
  ctx.fillStyle = COLORS.title
  ctx.fillText(text, x, y(peak.value) - 7)
}

function drawDateTicks(ctx: SKRSContext2D, series: BucketedSeries, slot: number): void {
  const { plotLeft, plotRight, plotBottom, minTickSpacing } = DAILY_LAYOUT
  const ticks = dateTicks(series, Math.floor((plotRight - plotLeft) / minTickSpacing))
  ctx.textAlign = 'center'
  ctx.textBaseline = 'alphabetic'
  for (const tick of ticks) {
    const x = plotLeft + (tick.index + 0.5) * slot
    ctx.strokeStyle = COLORS.axis
    ctx.beginPath()
    ctx.moveTo(Math.round(x) + 0.5, plotBottom)
    ctx.lineTo(Math.round(x) + 0.5, plotBottom + 5)
    ctx.stroke()
    ctx.font = chartFont(13)
    ctx.fillStyle = COLORS.text
    ctx.fillText(tick.label, clampLabel(ctx, tick.label, x), plotBottom + 22)
    if (tick.context) {
      ctx.font = chartFont(12)
      ctx.fillStyle = COLORS.muted
      ctx.fillText(tick.context, clampLabel(ctx, tick.context, x), plotBottom + 40)
    }
  }
}

/** Keeps a centred label inside the card when its bar is at the very edge. */
function clampLabel(ctx: SKRSContext2D, text: string, x: number): number {
  const half = ctx.measureText(text).width / 2
  return Math.min(Math.max(x, CANVAS.padding / 2 + half), CANVAS.width - CANVAS.padding / 2 - half)
}

/** Total and averages at the top right; returns the width it took so the title can stop short of it. */
function drawSummary(ctx: SKRSContext2D, summary: PeriodSummary): number {
  const right = DAILY_LAYOUT.plotRight
  const total = `${formatCount(summary.total)} messages`
  const average = `avg ${formatCount(summary.averagePerDay)}/day`
  const change = changeText(summary)
  const peak = summary.days > 1 ? `peak ${formatCount(summary.peak.value)} on ${peakDate(summary)}` : undefined
  const lastPart = change ?? (peak ? { text: peak, color: COLORS.muted } : undefined)

  const totalWidth = drawHeadline(ctx, total, right)

  let x = right
  if (lastPart) {
    ctx.font = chartFont(14, change ? 700 : 400)
    ctx.fillStyle = lastPart.color
    ctx.fillText(lastPart.text, x, HEADER.subtitleBaseline)
    x -= ctx.measureText(lastPart.text).width
  }
  ctx.font = chartFont(14)
  const lead = lastPart ? `${average} · ` : average
  ctx.fillStyle = COLORS.muted
  ctx.fillText(lead, x, HEADER.subtitleBaseline)
  x -= ctx.measureText(lead).width
  return Math.max(totalWidth, right - x)
}

/** "3 Mar", with the year only when the period spans more than one. */
function peakDate({ peak, firstDay, days }: PeriodSummary): string {
  const sameYear = calendarDay(firstDay).year === calendarDay(firstDay + days - 1).year
  const date = formatDayMonth(peak.dayNumber)
  return sameYear ? date : `${date} ${calendarDay(peak.dayNumber).year}`
}

function changeText(summary: PeriodSummary): { text: string; color: string } | undefined {
  const previous = summary.previousTotal
  if (previous === undefined || previous === 0) return undefined
  const change = (summary.total - previous) / previous
  const percent = Math.round(Math.abs(change) * 100)
  if (percent === 0) return { text: 'same as previous', color: COLORS.muted }
  return change > 0
    ? { text: `▲ ${percent}% vs previous`, color: COLORS.up }
    : { text: `▼ ${percent}% vs previous`, color: COLORS.down }
}
