import { describe, expect, it } from 'vitest'
import { parsePeriod, periodKey } from '../../bot/periods.ts'

describe('parsePeriod', () => {
  it('reads every period form, in any case, and defaults to 30 days', () => {
    expect(parsePeriod('')).toEqual({ kind: 'last', key: '30d', days: 30 })
    expect(parsePeriod('  ')).toEqual({ kind: 'last', key: '30d', days: 30 })
    expect(parsePeriod('today')).toEqual({ kind: 'today' })
    expect(parsePeriod('Yesterday')).toEqual({ kind: 'yesterday' })
    expect(parsePeriod('7d')).toEqual({ kind: 'last', key: '7d', days: 7 })
    expect(parsePeriod('30D')).toEqual({ kind: 'last', key: '30d', days: 30 })
    expect(parsePeriod('90d')).toEqual({ kind: 'last', key: '90d', days: 90 })
    expect(parsePeriod('1y')).toEqual({ kind: 'last', key: '1y', days: 365 })
    expect(parsePeriod('ALL')).toEqual({ kind: 'all' })
    expect(parsePeriod('2026-10')).toEqual({ kind: 'month', year: 2026, month: 10 })
    expect(parsePeriod('2026-10-01..2026-10-31')).toEqual({ kind: 'range', from: '2026-10-01', to: '2026-10-31' })
    expect(parsePeriod('2026-10-01 .. 2026-10-31')).toEqual({ kind: 'range', from: '2026-10-01', to: '2026-10-31' })
    expect(parsePeriod('2024-02-29')).toEqual({ kind: 'range', from: '2024-02-29', to: '2024-02-29' })
  })

  it('gives canonical keys short enough for buttons', () => {
    expect(periodKey({ kind: 'month', year: 2026, month: 3 })).toBe('2026-03')
    expect(periodKey({ kind: 'range', from: '2026-10-01', to: '2026-10-31' })).toBe('2026-10-01..2026-10-31')
    expect(periodKey({ kind: 'range', from: '2026-10-01', to: '2026-10-01' })).toBe('2026-10-01')
    expect(periodKey({ kind: 'last', key: '1y', days: 365 })).toBe('1y')
    expect(periodKey({ kind: 'all' })).toBe('all')
  })

  it('refuses impossible dates, reversed and absurdly long ranges, and unknown words', () => {
    expect(parsePeriod('2026-02-30')).toEqual({ error: '2026-02-30 is not a date' })
    expect(parsePeriod('2025-02-29..2025-03-10')).toEqual({ error: '2025-02-29 is not a date' })
    expect(parsePeriod('2026-01-01..2026-04-31')).toEqual({ error: '2026-04-31 is not a date' })
    expect(parsePeriod('2026-13')).toEqual({ error: '“2026-13” is not a month' })
    expect(parsePeriod('2026-00')).toEqual({ error: '“2026-00” is not a month' })
    expect(parsePeriod('2026-10-31..2026-10-01')).toEqual({ error: 'the range starts after it ends (2026-10-31 > 2026-10-01)' })
    // 2000-01-01..2026-12-31 spans 27 years: 9862 days.
    expect(parsePeriod('2000-01-01..2026-12-31')).toEqual({ error: 'that range is 9862 days long; at most 3660 — use “all” for everything' })
    expect(parsePeriod('2016-01-01..2025-12-31')).toEqual({ kind: 'range', from: '2016-01-01', to: '2025-12-31' })
    for (const bad of ['week', '7', 'd7', '7 d', '2y', '-30d', '2026/10', '26-10', '2026-10-01..', '<b>30d</b>']) {
      expect(parsePeriod(bad)).toEqual({ error: `“${bad}” is not a period I know` })
    }
  })
})
