import type { SKRSContext2D } from '@napi-rs/canvas'
import { chartFont } from './fonts.ts'
import { CANVAS, COLORS } from './theme.ts'

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** The header band every chart shares; exported so tests know where the title is drawn. */
export const HEADER = {
  x: CANVAS.padding,
  titleBaseline: 66,
  titleSize: 28,
  subtitleBaseline: 96,
  subtitleSize: 17,
  /** Top and bottom of the band that holds title and subtitle glyphs. */
  top: 28,
  bottom: 106,
} as const

export interface HeaderText {
  title: string
  subtitle?: string | undefined
}

/** Cuts `text` to fit `maxWidth` with an ellipsis, never inside a grapheme (emoji, combining marks). */
export function fitText(ctx: SKRSContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text
  const parts = [...graphemes.segment(text)].map((s) => s.segment)
  let low = 0
  let high = parts.length
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (ctx.measureText(`${parts.slice(0, mid).join('').trimEnd()}…`).width <= maxWidth) low = mid
    else high = mid - 1
  }
  return `${parts.slice(0, low).join('').trimEnd()}…`
}

/** Title and subtitle at the top left, each cut to `maxWidth`. */
export function drawHeader(ctx: SKRSContext2D, { title, subtitle }: HeaderText, maxWidth: number): void {
  ctx.textAlign = 'left'
  ctx.textBaseline = 'alphabetic'
  ctx.fillStyle = COLORS.title
  ctx.font = chartFont(HEADER.titleSize, 700, title)
  ctx.fillText(fitText(ctx, title, maxWidth), HEADER.x, HEADER.titleBaseline)
  if (subtitle) {
    ctx.fillStyle = COLORS.muted
    ctx.font = chartFont(HEADER.subtitleSize, 400, subtitle)
    ctx.fillText(fitText(ctx, subtitle, maxWidth), HEADER.x, HEADER.subtitleBaseline)
  }
}

/** The period's total in bold at the top right, ending at `right`; returns its width. */
export function drawHeadline(ctx: SKRSContext2D, text: string, right: number): number {
  ctx.textAlign = 'right'
  ctx.textBaseline = 'alphabetic'
  ctx.font = chartFont(22, 700)
  ctx.fillStyle = COLORS.title
  ctx.fillText(text, right, HEADER.titleBaseline)
  return ctx.measureText(text).width
}

/** A calm centred note on a card of its own where the data would be, e.g. for a period without messages. */
export function drawCenteredNote(ctx: SKRSContext2D, text: string, x: number, y: number): void {
  ctx.font = chartFont(20, 700, text)
  const width = ctx.measureText(text).width + 48
  ctx.fillStyle = COLORS.background
  ctx.strokeStyle = COLORS.grid
  ctx.lineWidth = 1
  ctx.beginPath()
  ctx.roundRect(Math.round(x - width / 2) + 0.5, Math.round(y - 26) + 0.5, Math.round(width), 52, 10)
  ctx.fill()
  ctx.stroke()
  ctx.textAlign = 'center'
  ctx.textBaseline = 'middle'
  ctx.fillStyle = COLORS.muted
  ctx.fillText(text, x, y)
}

export function fillBackground(ctx: SKRSContext2D): void {
  ctx.fillStyle = COLORS.background
  ctx.fillRect(0, 0, CANVAS.width, CANVAS.height)
}
