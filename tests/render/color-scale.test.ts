import { describe, expect, it } from 'vitest'
import { sequentialColor, ZERO_CELL_COLOR } from '../../bot/render/color-scale.ts'
import { luminance, rgbOfHex } from './decoded-png.ts'

// ColorBrewer YlGnBu, classes 2..9, as published.
const YLGNBU = ['#edf8b1', '#c7e9b4', '#7fcdbb', '#41b6c4', '#1d91c0', '#225ea8', '#253494', '#081d58']

describe('sequentialColor', () => {
  it('passes exactly through the palette colours at evenly spaced points', () => {
    YLGNBU.forEach((hex, i) => {
      const got = rgbOfHex(sequentialColor(i / (YLGNBU.length - 1)))
      rgbOfHex(hex).forEach((channel, c) => expect(Math.abs((got[c] ?? 0) - channel)).toBeLessThanOrEqual(1))
    })
  })

  it('gets darker all the way from 0 to 1', () => {
    let previous = Number.POSITIVE_INFINITY
    for (let step = 0; step <= 100; step++) {
      const lum = luminance(rgbOfHex(sequentialColor(step / 100)))
      expect(lum).toBeLessThan(previous)
      previous = lum
    }
  })

  it('clamps out-of-range input and keeps the zero colour apart from the palest step', () => {
    expect(sequentialColor(-1)).toBe(sequentialColor(0))
    expect(sequentialColor(7)).toBe(sequentialColor(1))
    expect(sequentialColor(Number.NaN)).toBe(sequentialColor(0))
    const zero = rgbOfHex(ZERO_CELL_COLOR)
    const palest = rgbOfHex(sequentialColor(0))
    expect(Math.max(...zero.map((c, i) => Math.abs(c - (palest[i] ?? 0))))).toBeGreaterThan(20)
  })
})
