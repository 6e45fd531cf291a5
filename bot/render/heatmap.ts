import type { SKRSContext2D } from '@napi-rs/canvas'
import { chartCanvas } from './chart-canvas.ts'
import { WEEKDAYS } from '../periods/local-days.ts'
import { sequentialColor, ZERO_CELL_COLOR } from './color-scale.ts'
import { drawCenteredNote, drawHeader, drawHeadline, fillBackground, HEADER } from './draw-text.ts'
import { encodePng } from './encode-png.ts'
import { chartFont, registerChartFonts } from './fonts.ts'
import { formatCount } from './number-format.ts'
import { CANVAS, COLORS } from './theme.ts'

export interface HeatmapInput {
  title: string
  subtitle?: string
  /** 7 rows Monday..Sunday × 24 columns hour 0..23, in the chat's local time. Missing or invalid cells count as zero. */
  cells: number[][]
}

/** Cell (row, column) spans x = gridLeft + column·(cellWidth + cellGap), y = gridTop + row·(cellHeight + cellGap). */
export const HEATMAP_LAYOUT = {
  width: CANVAS.width,
  height: CANVAS.height,
  rows: 7,
  columns: 24,
  gridLeft: 76,
  gridTop: 112,
  cellWidth: 27,
  cellHeight: 35,
  cellGap: 2,
} as const

const GRID_RIGHT = HEATMAP_LAYOUT.gridLeft + HEATMAP_LAYOUT.columns * (HEATMAP_LAYOUT.cellWidth + HEATMAP_LAYOUT.cellGap) - HEATMAP_LAYOUT.cellGap
const GRID_BOTTOM = HEATMAP_LAYOUT.gridTop + HEATMAP_LAYOUT.rows * (HEATMAP_LAYOUT.cellHeight + HEATMAP_LAYOUT.cellGap) - HEATMAP_LAYOUT.cellGap
// On the line of the hour-axis caption, so the area under the grid reads as one row.
const LEGEND = { barWidth: 220, barHeight: 12, top: GRID_BOTTOM + 32 } as const

/** A weekday × hour heatmap as a PNG: darker cells had more messages. */
export function renderHeatmap(input: HeatmapInput): Buffer {
  registerChartFonts()
  const canvas = chartCanvas(HEATMAP_LAYOUT.width, HEATMAP_LAYOUT.height)
  const ctx = canvas.getContext('2d')
  fillBackground(ctx)

  const cells = normalizeCells(input.cells)
  const peak = findPeak(cells)
  const summaryWidth = peak.value > 0 ? drawSummary(ctx, cells, peak) : 0
  drawHeader(ctx, input, GRID_RIGHT - HEADER.x - (summaryWidth > 0 ? summaryWidth + 32 : 0))

  drawCells(ctx, cells, peak.value)
  drawAxisLabels(ctx)
  if (peak.value > 0) drawLegend(ctx, peak.value)
  else drawCenteredNote(ctx, 'No messages in this period', (HEATMAP_LAYOUT.gridLeft + GRID_RIGHT) / 2, (HEATMAP_LAYOUT.gridTop + GRID_BOTTOM) / 2)
  return encodePng(canvas)
}

function normalizeCells(cells: number[][]): number[][] {
  return Array.from({ length: HEATMAP_LAYOUT.rows }, (_, row) =>
    Array.from({ length: HEATMAP_LAYOUT.columns }, (_, column) => {
      const value = cells[row]?.[column]
      return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0
    }),
  )
}

function findPeak(cells: number[][]): { row: number; column: number; value: number } {
  let peak = { row: 0, column: 0, value: 0 }
  cells.forEach((values, row) =>
    values.forEach((value, column) => {
      if (value > peak.value) peak = { row, column, value }
    }),
  )
  return peak
}

function drawCells(ctx: SKRSContext2D, cells: number[][], max: number): void {
  const { gridLeft, gridTop, cellWidth, cellHeight, cellGap } = HEATMAP_LAYOUT
  cells.forEach((values, row) =>
    values.forEach((value, column) => {
      // Linear in the count: a cell twice as dark had about twice the messages, honest to read.
      ctx.fillStyle = value > 0 ? sequentialColor(value / max) : ZERO_CELL_COLOR
      ctx.beginPath()
      ctx.roundRect(gridLeft + column * (cellWidth + cellGap), gridTop + row * (cellHeight + cellGap), cellWidth, cellHeight, 4)
      ctx.fill()
    }),
  )
}

function drawAxisLabels(ctx: SKRSContext2D): void {
  const { gridLeft, gridTop, cellWidth, cellHeight, cellGap } = HEATMAP_LAYOUT
  ctx.font = chartFont(14)
  ctx.fillStyle = COLORS.text
  ctx.textAlign = 'right'
  ctx.textBaseline = 'middle'
  WEEKDAYS.forEach((name, row) => ctx.fillText(name, gridLeft - 12, gridTop + row * (cellHeight + cellGap) + cellHeight / 2))

  ctx.textAlign = 'center'
  ctx.textBaseline = 'alphabetic'
  for (let hour = 0; hour < HEATMAP_LAYOUT.columns; hour++) {
    // Every hour is labelled; every third one darker so the eye finds 0, 3, 6 … at once.
    const major = hour % 3 === 0
    ctx.font = chartFont(major ? 13 : 12)
    ctx.fillStyle = major ? COLORS.text : COLORS.muted
    ctx.fillText(String(hour), gridLeft + hour * (cellWidth + cellGap) + cellWidth / 2, GRID_BOTTOM + 22)
  }
  ctx.font = chartFont(12)
  ctx.fillStyle = COLORS.muted
  ctx.textAlign = 'left'
  ctx.fillText('hour of day, chat time', gridLeft, GRID_BOTTOM + 42)
}

function drawLegend(ctx: SKRSContext2D, max: number): void {
  const { barWidth, barHeight, top } = LEGEND
  const maxLabel = formatCount(max)
  ctx.font = chartFont(13)
  ctx.textBaseline = 'middle'
  // Whole pixels, so each one-pixel column of the gradient lands on exactly one pixel.
  const right = Math.round(GRID_RIGHT - ctx.measureText(maxLabel).width - 8)
  const barLeft = right - barWidth
  const zeroLeft = barLeft - barHeight - 6
  const middle = top + barHeight / 2

  ctx.fillStyle = COLORS.text
  ctx.textAlign = 'left'
  ctx.fillText(maxLabel, right + 8, middle)
  ctx.textAlign = 'right'
  ctx.fillText('0', zeroLeft - 8, middle)
  ctx.fillStyle = COLORS.muted
  ctx.fillText('messages per hour', zeroLeft - 30, middle)

  ctx.fillStyle = ZERO_CELL_COLOR
  ctx.fillRect(zeroLeft, top, barHeight, barHeight)
  // One column per pixel from the same function the cells use, so the legend cannot drift from them.
  for (let x = 0; x < barWidth; x++) {
    ctx.fillStyle = sequentialColor(x / (barWidth - 1))
    ctx.fillRect(barLeft + x, top, 1, barHeight)
  }
}

/** Total and busiest hour at the top right; returns its width so the title stops short of it. */
function drawSummary(ctx: SKRSContext2D, cells: number[][], peak: { row: number; column: number; value: number }): number {
  const total = cells.flat().reduce((sum, value) => sum + value, 0)
  const totalText = `${formatCount(total)} messages`
  const day = WEEKDAYS[peak.row] ?? ''
  const peakText = `busiest: ${day} ${pad(peak.column)}:00–${pad(peak.column + 1)}:00 · ${formatCount(peak.value)}`
  const width = drawHeadline(ctx, totalText, GRID_RIGHT)
  ctx.font = chartFont(14)
  ctx.fillStyle = COLORS.muted
  ctx.fillText(peakText, GRID_RIGHT, HEADER.subtitleBaseline)
  return Math.max(width, ctx.measureText(peakText).width)
}

function pad(hour: number): string {
  return String(hour).padStart(2, '0')
}
