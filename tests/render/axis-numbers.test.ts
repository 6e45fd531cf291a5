import { describe, expect, it } from 'vitest'
import { niceTicks } from '../../bot/render/nice-ticks.ts'
import { formatAxisLabels, formatCount } from '../../bot/render/number-format.ts'

describe('niceTicks', () => {
  it.each([
    [950, 200, 1_000],
    [1_045, 250, 1_250],
    [40, 10, 40],
    [7, 2, 8],
    [3, 1, 3],
    [1, 1, 1],
    [8_294, 2_000, 10_000],
    [265_216, 100_000, 300_000],
  ])('for a maximum of %i steps by %i up to %i', (dataMax, step, max) => {
    const ticks = niceTicks(dataMax)
    expect({ step: ticks.step, max: ticks.max }).toEqual({ step, max })
    expect(ticks.values).toEqual(Array.from({ length: max / step + 1 }, (_, i) => i * step))
  })

  it('gives a usable axis for empty, zero and broken maxima', () => {
    for (const dataMax of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) expect(niceTicks(dataMax).values).toEqual([0, 1])
  })

  it('always covers the data with 1, 2, 2.5 or 5 × 10ⁿ whole-number steps and a handful of intervals', () => {
    for (let dataMax = 1; dataMax < 5_000_000; dataMax = Math.ceil(dataMax * 1.37)) {
      const { step, max, values } = niceTicks(dataMax)
      expect(max).toBeGreaterThanOrEqual(dataMax)
      expect(Number.isInteger(step)).toBe(true)
      const mantissa = step / 10 ** Math.floor(Math.log10(step))
      expect([1, 2, 2.5, 5]).toContain(mantissa)
      expect(values.length - 1).toBeLessThanOrEqual(dataMax < 5 ? 5 : 10)
      expect(max - step).toBeLessThan(dataMax)
    }
  })
})

describe('number formatting', () => {
  it('groups thousands in exact counts', () => {
    expect(formatCount(0)).toBe('0')
    expect(formatCount(999)).toBe('999')
    expect(formatCount(1_234_567)).toBe('1,234,567')
    expect(formatCount(26_815.6)).toBe('26,816')
  })

  it('labels one axis in one unit chosen by its largest tick', () => {
    expect(formatAxisLabels([0, 2_000, 4_000, 6_000, 8_000])).toEqual(['0', '2,000', '4,000', '6,000', '8,000'])
    expect(formatAxisLabels([0, 2_000, 4_000, 6_000, 8_000, 10_000])).toEqual(['0', '2k', '4k', '6k', '8k', '10k'])
    expect(formatAxisLabels([0, 2_500, 5_000, 7_500, 10_000, 12_500])).toEqual(['0', '2.5k', '5k', '7.5k', '10k', '12.5k'])
    expect(formatAxisLabels([0, 500_000, 1_000_000, 1_500_000])).toEqual(['0', '0.5M', '1M', '1.5M'])
    expect(formatAxisLabels([0, 1_000_000_000, 2_000_000_000])).toEqual(['0', '1B', '2B'])
  })
})
