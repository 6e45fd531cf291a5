import { createCanvas } from '@napi-rs/canvas'
import { beforeAll, describe, expect, it } from 'vitest'
import { fitText } from '../../bot/render/draw-text.ts'
import { chartFont, registerChartFonts } from '../../bot/render/fonts.ts'

beforeAll(() => registerChartFonts())

function context(text: string) {
  const ctx = createCanvas(10, 10).getContext('2d')
  ctx.font = chartFont(28, 700, text)
  return ctx
}

describe('fitText', () => {
  it('leaves text that fits alone', () => {
    const ctx = context('Short title')
    expect(fitText(ctx, 'Short title', 500)).toBe('Short title')
  })

  it('cuts long text to the width with an ellipsis, never inside an emoji sequence', () => {
    const title = '👨‍👩‍👧 Family 🇺🇦 '.repeat(10)
    const ctx = context(title)
    const fitted = fitText(ctx, title, 400)
    expect(fitted.endsWith('…')).toBe(true)
    expect(ctx.measureText(fitted).width).toBeLessThanOrEqual(400)
    const kept = fitted.slice(0, -1)
    const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(title)].map((s) => s.segment)
    // The kept part is a whole number of the original's graphemes (trailing spaces trimmed).
    const prefixes = graphemes.map((_, i) => graphemes.slice(0, i + 1).join('').trimEnd())
    expect(prefixes).toContain(kept)
    // And it is the longest such prefix that fits.
    const next = prefixes[prefixes.indexOf(kept) + 1] ?? ''
    expect(ctx.measureText(`${next}…`).width > 400 || next === kept).toBe(true)
  })
})
