import { describe, expect, it } from 'vitest'
import { ZERO_CELL_COLOR } from '../../bot/render/color-scale.ts'
import { HEATMAP_LAYOUT, renderHeatmap } from '../../bot/render/heatmap.ts'
import { COLORS } from '../../bot/render/theme.ts'
import { decodePng, luminance, rgbOfHex } from './decoded-png.ts'

// Centre of a cell from the published geometry: x = left + column·(width + gap) + width/2.
function cellCentre(row: number, column: number): [number, number] {
  const { gridLeft, gridTop, cellWidth, cellHeight, cellGap } = HEATMAP_LAYOUT
  return [gridLeft + column * (cellWidth + cellGap) + cellWidth / 2, gridTop + row * (cellHeight + cellGap) + cellHeight / 2]
}

// Distinct values 1..97 spread over the week, one clear peak on Thursday 17:00, and a silent Sunday.
const PEAK = { row: 3, column: 17, value: 1_000 }
const cells = Array.from({ length: 7 }, (_, row) =>
  Array.from({ length: 24 }, (_, column) => (row === 6 ? 0 : ((row * 24 + column) * 37) % 97 + 1)),
)
;(cells[PEAK.row] as number[])[PEAK.column] = PEAK.value

describe('renderHeatmap', () => {
  it('is an opaque PNG at least 800 px wide', async () => {
    const image = await decodePng(renderHeatmap({ title: 'Week', cells }))
    expect(image.width).toBeGreaterThanOrEqual(800)
    expect(image.width).toBe(HEATMAP_LAYOUT.width)
    expect(image.height).toBe(HEATMAP_LAYOUT.height)
    for (const [x, y] of [[0, 0], [image.width - 1, image.height - 1], [image.width / 2, 5]] as const) {
      expect(image.pixel(x, y)).toEqual([...rgbOfHex(COLORS.background), 255])
    }
  })

  it('draws the busiest cell darkest and every cell darker the more messages it had', async () => {
    const image = await decodePng(renderHeatmap({ title: 'Week', subtitle: 'Last 30 days', cells }))
    const samples: { row: number; column: number; value: number; lum: number }[] = []
    for (let row = 0; row < 6; row++) {
      for (let column = 0; column < 24; column++) {
        const [x, y] = cellCentre(row, column)
        samples.push({ row, column, value: cells[row]?.[column] ?? 0, lum: luminance(image.pixel(x, y)) })
      }
    }
    const darkest = samples.reduce((a, b) => (b.lum < a.lum ? b : a))
    expect({ row: darkest.row, column: darkest.column }).toEqual({ row: PEAK.row, column: PEAK.column })
    // The busiest cell is clearly darker than the next one, which had a tenth of its messages.
    const others = samples.filter((s) => s.value !== PEAK.value)
    expect(Math.min(...others.map((s) => s.lum)) - darkest.lum).toBeGreaterThan(0.1)
    // Sequential: ordering by value never makes a cell lighter than a quieter one.
    const byValue = [...samples].sort((a, b) => a.value - b.value)
    for (let i = 1; i < byValue.length; i++) {
      const [quieter, busier] = [byValue[i - 1], byValue[i]]
      if (quieter && busier && busier.value > quieter.value) expect(busier.lum).toBeLessThanOrEqual(quieter.lum + 0.002)
    }
  })

  it('paints an all-zero weekday in the neutral zero colour, unlike any busy cell', async () => {
    const image = await decodePng(renderHeatmap({ title: 'Week', cells }))
    const zero = rgbOfHex(ZERO_CELL_COLOR)
    for (let column = 0; column < 24; column++) {
      const [x, y] = cellCentre(6, column)
      expect(image.pixel(x, y).slice(0, 3)).toEqual(zero)
    }
    const [x, y] = cellCentre(0, 0)
    expect(image.pixel(x, y).slice(0, 3)).not.toEqual(zero)
  })

  it('renders a valid image with a note when there are no messages at all', async () => {
    const image = await decodePng(renderHeatmap({ title: 'Quiet', cells: Array.from({ length: 7 }, () => new Array(24).fill(0)) }))
    expect(image.width).toBeGreaterThanOrEqual(800)
    const [x, y] = cellCentre(0, 0)
    expect(image.pixel(x, y).slice(0, 3)).toEqual(rgbOfHex(ZERO_CELL_COLOR))
    // The note sits over the middle of the grid: dark text pixels where otherwise only grey cells are.
    const [cx, cy] = [(cellCentre(3, 0)[0] + cellCentre(3, 23)[0]) / 2, cellCentre(3, 0)[1]]
    const box = { left: cx - 120, right: cx + 120, top: cy - 12, bottom: cy + 12 }
    let dark = 0
    for (let py = box.top; py < box.bottom; py++) for (let px = box.left; px < box.right; px++) if (luminance(image.pixel(px, py)) < 0.4) dark++
    expect(dark).toBeGreaterThan(200)
  })

  it('treats missing rows, short rows and non-numbers as zero instead of throwing', async () => {
    const ragged = [[5, Number.NaN, -3], [], [Number.POSITIVE_INFINITY, 2]] as number[][]
    const image = await decodePng(renderHeatmap({ title: 'Odd input', cells: ragged }))
    expect(image.width).toBeGreaterThanOrEqual(800)
    const [x, y] = cellCentre(0, 0)
    const [zx, zy] = cellCentre(0, 1)
    expect(luminance(image.pixel(x, y))).toBeLessThan(luminance(image.pixel(zx, zy)))
    expect(image.pixel(zx, zy).slice(0, 3)).toEqual(rgbOfHex(ZERO_CELL_COLOR))
  })
})
