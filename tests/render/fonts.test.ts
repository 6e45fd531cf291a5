import { createCanvas, GlobalFonts } from '@napi-rs/canvas'
import { beforeAll, describe, expect, it } from 'vitest'
import { renderDailyChart } from '../../bot/render/daily-chart.ts'
import { HEADER } from '../../bot/render/draw-text.ts'
import { chartFont, fontFamilies, registerChartFonts } from '../../bot/render/fonts.ts'
import { COLORS } from '../../bot/render/theme.ts'
import { countDifferent, decodePng, rgbOfHex } from './decoded-png.ts'

const ALIASES = ['Chart Sans', 'Chart Arabic', 'Chart Hebrew', 'Chart Devanagari', 'Chart Thai', 'Chart SC', 'Chart TC', 'Chart JP', 'Chart KR', 'Chart Emoji']
const days = [{ day: '2025-03-01', value: 3 }, { day: '2025-03-02', value: 5 }]

/** Draws `text` in the chart font stack on a small white canvas and returns its RGBA pixels. */
function draw(text: string): Uint8ClampedArray {
  const canvas = createCanvas(700, 80)
  const ctx = canvas.getContext('2d')
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, 700, 80)
  ctx.fillStyle = '#000000'
  ctx.font = chartFont(40, 400, text)
  ctx.fillText(text, 10, 56)
  return ctx.getImageData(0, 0, 700, 80).data
}

function differingPixels(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let count = 0
  for (let i = 0; i < a.length; i += 4) if (Math.abs((a[i] ?? 0) - (b[i] ?? 0)) > 40) count++
  return count
}

function inkedPixels(pixels: Uint8ClampedArray): number {
  let count = 0
  for (let i = 0; i < pixels.length; i += 4) if ((pixels[i] ?? 255) < 200) count++
  return count
}

beforeAll(() => registerChartFonts())

describe('chart fonts', () => {
  it('registers one family per bundled font package', () => {
    const families = new Set(GlobalFonts.families.map((f) => f.family))
    for (const alias of ALIASES) expect(families, alias).toContain(alias)
  })

  it('lists only the fonts a text needs, Sans first and emoji last', () => {
    expect(fontFamilies('12 Mar 2025')).toBe('"Chart Sans"')
    expect(fontFamilies('Чат Ελληνικά')).toBe('"Chart Sans"')
    expect(fontFamilies('مرحبا 中文 😀')).toBe('"Chart Sans", "Chart Arabic", "Chart SC", "Chart TC", "Chart Emoji"')
    expect(fontFamilies('日本語のチャット')).toBe('"Chart Sans", "Chart JP", "Chart SC", "Chart TC"')
    expect(fontFamilies('한국어 채팅')).toBe('"Chart Sans", "Chart KR", "Chart SC", "Chart TC"')
    expect(fontFamilies('שלום नमस्ते สวัสดี 🇹🇭')).toBe('"Chart Sans", "Chart Hebrew", "Chart Devanagari", "Chart Thai", "Chart Emoji"')
  })

  // A character no font has comes out as the .notdef box; a script drawn as boxes would look exactly like this.
  it.each([
    ['Cyrillic', 'Привет'],
    ['Arabic', 'مرحبا'],
    ['Hebrew', 'שלום'],
    ['Devanagari', 'नमस्ते'],
    ['Thai', 'สวัสดี'],
    ['Chinese', '你好世界'],
    ['Traditional Chinese', '臺灣繁體'],
    ['Japanese', 'ひらがな'],
    ['Korean', '안녕하세요'],
    ['emoji', '😀🎉👍🏽'],
  ])('draws %s as real glyphs, not missing-glyph boxes', (_, text) => {
    const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].length
    const glyphs = draw(text)
    const boxes = draw('\u0378'.repeat(graphemes))
    expect(inkedPixels(glyphs)).toBeGreaterThan(100)
    expect(differingPixels(glyphs, boxes)).toBeGreaterThan(inkedPixels(boxes) / 2)
  })

  it('draws emoji in colour', () => {
    const pixels = draw('😀🎉')
    let coloured = 0
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b] = [pixels[i] ?? 0, pixels[i + 1] ?? 0, pixels[i + 2] ?? 0]
      if (Math.max(r, g, b) - Math.min(r, g, b) > 80) coloured++
    }
    expect(coloured).toBeGreaterThan(200)
  })

  it('draws a title in Arabic, Chinese and emoji into the title area', async () => {
    const titleBox = { left: HEADER.x, right: 600, top: HEADER.top, bottom: HEADER.titleBaseline + 10 }
    const background = rgbOfHex(COLORS.background)
    const empty = await decodePng(renderDailyChart({ title: '', days }))
    const mixed = await decodePng(renderDailyChart({ title: 'مجموعة 中文 😀', days }))
    expect(countDifferent(empty, titleBox, background)).toBe(0)
    expect(countDifferent(mixed, titleBox, background)).toBeGreaterThan(800)
  })
})
