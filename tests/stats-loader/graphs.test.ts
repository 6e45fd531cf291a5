import { describe, expect, it } from 'vitest'
import { bucketPoints, dailyPoints, parseStatsGraph, type ParsedGraph } from '../../stats-loader/graphs.ts'
import { column, FIXTURES, fixtureChart, fixtureText } from './support/fixtures.ts'
import { dailyJson, topHoursJson, weeklyStepJson } from './support/synthetic-graphs.ts'

function parsed(json: string, key = ''): ParsedGraph {
  const result = parseStatsGraph(json, key)
  if (!result.ok) throw new Error(`expected a graph, got: ${result.error}`)
  return result.graph
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

describe('parseStatsGraph on the real chart files', () => {
  it('reads every column of every stage-1 chart, with x in milliseconds', () => {
    const charts = JSON.parse(fixtureText(FIXTURES.stage1)) as { columns: (string | number)[][] }[]
    for (const chart of charts) {
      const graph = parsed(JSON.stringify(chart))
      const raw = chart.columns.filter((c) => c[0] !== 'x')
      expect(graph.series.map((s) => s.columnId)).toEqual(raw.map((c) => c[0]))
      for (const [i, series] of graph.series.entries()) expect(series.values).toEqual(raw[i]!.slice(1))
      expect(graph.axis).toBe('day')
    }
    // Chart 4 is the big one: 4 lines of 372 points.
    const big = parsed(JSON.stringify(charts[4]))
    expect(big.series).toHaveLength(4)
    expect(big.x).toHaveLength(372)
  })

  it('turns a joined/left overview into one row per day and column, on the right UTC days', () => {
    const chart = fixtureChart(FIXTURES.joinedLeft)
    const graph = parsed(fixtureText(FIXTURES.joinedLeft), 'followers_graph')
    const rows = dailyPoints('followers_graph', graph)
    const x = column(chart, 'x')
    expect(rows).toHaveLength(x.length * 2)
    const joined = rows.filter((r) => r.metric === 'followers_graph.y0')
    // 1523059200000 ms is 2018-04-07 00:00 UTC.
    expect(joined[0]).toEqual({ day: '2018-04-07', metric: 'followers_graph.y0', value: column(chart, 'y0')[0] })
    expect(joined.at(-1)!.day).toBe(utcDay(x.at(-1)!))
    expect(graph.series.map((s) => s.label)).toEqual(['Joined', 'Left'])
  })

  it('keeps y_scaled, stacked and percentage flags and the chart types', () => {
    const scaled = parsed(fixtureText(FIXTURES.viewsShares))
    expect([scaled.yScaled, scaled.stacked, scaled.percentage]).toEqual([true, false, false])
    const bars = parsed(fixtureText(FIXTURES.stackedBars))
    expect([bars.yScaled, bars.stacked, bars.percentage]).toEqual([false, true, false])
    expect(new Set(bars.series.map((s) => s.chartType))).toEqual(new Set(['bar']))
    const areas = parsed(fixtureText(FIXTURES.percentageAreas))
    expect([areas.stacked, areas.percentage]).toEqual([true, true])
    expect(new Set(areas.series.map((s) => s.chartType))).toEqual(new Set(['area']))
  })

  it('stores stacked and percentage values as absolute numbers (the sums match the file)', () => {
    for (const name of [FIXTURES.stackedBars, FIXTURES.percentageAreas]) {
      const chart = fixtureChart(name)
      let expected = 0
      for (const col of chart.columns) if (col[0] !== 'x') for (const v of col.slice(1)) expected += v as number
      const total = dailyPoints('g', parsed(fixtureText(name))).reduce((sum, r) => sum + r.value, 0)
      expect(total).toBe(expected)
    }
  })

  it('recognises zoomed graphs (hourly, five-minute) as intraday and writes no daily rows for them', () => {
    for (const name of [FIXTURES.joinedLeftZoom, FIXTURES.fiveMinuteZoom]) {
      const graph = parsed(fixtureText(name))
      expect(graph.axis).toBe('intraday')
      expect(dailyPoints('g', graph)).toEqual([])
    }
  })
})

describe('parseStatsGraph on SYNTHETIC production-format graphs', () => {
  it('reads top_hours_graph as hours of the day, not timestamps', () => {
    const thisWeek = Array.from({ length: 24 }, (_, h) => 100 + h)
    const lastWeek = Array.from({ length: 24 }, (_, h) => 50 + 2 * h)
    const graph = parsed(topHoursJson(thisWeek, lastWeek), 'top_hours_graph')
    expect(graph.axis).toBe('hour_of_day')
    expect(dailyPoints('top_hours_graph', graph)).toEqual([])
    const buckets = bucketPoints('top_hours_graph', graph)
    expect(buckets).toHaveLength(48)
    expect(buckets.find((b) => b.metric === 'top_hours_graph.y1' && b.bucket === 23)?.value).toBe(50 + 46)
  })

  it('keeps production colours with their names, hidden columns and the title, and ignores formatters', () => {
    const graph = parsed(dailyJson('2024-03-01', { y0: [10, 12], y1: [1, 0] }, { y0: 'Total followers', y1: 'Left' }, ['y1']))
    expect(graph.title).toBe('Growth')
    expect(graph.series.map((s) => [s.columnId, s.color, s.hidden])).toEqual([
      ['y0', 'GREEN#4BB33C', false],
      ['y1', 'RED#E05356', true],
    ])
    expect(dailyPoints('growth_graph', graph).map((r) => `${r.metric}@${r.day}=${r.value}`)).toEqual([
      'growth_graph.y0@2024-03-01=10',
      'growth_graph.y0@2024-03-02=12',
      'growth_graph.y1@2024-03-01=1',
      'growth_graph.y1@2024-03-02=0',
    ])
  })

  it('reads weekly step series as weeks, keyed by the first day of each week', () => {
    const graph = parsed(weeklyStepJson('2024-01-01', [5, 7, 9]))
    expect(graph.axis).toBe('week')
    expect(graph.series[0]!.chartType).toBe('step')
    expect(dailyPoints('g', graph).map((r) => r.day)).toEqual(['2024-01-01', '2024-01-08', '2024-01-15'])
  })

  it('keeps fractional values (averages) and skips null points', () => {
    const json = JSON.stringify({ columns: [['x', 1704067200000, 1704153600000], ['y0', 1.25, null]], types: { y0: 'line' }, names: { y0: 'Avg' } })
    expect(dailyPoints('g', parsed(json))).toEqual([{ day: '2024-01-01', metric: 'g.y0', value: 1.25 }])
  })
})

describe('parseStatsGraph on malformed input', () => {
  it.each([
    ['{"columns": [["x", 1', /^malformed JSON/],
    ['[1, 2]', /not an object/],
    ['{"types": {}}', /no "columns" array/],
    ['{"columns": [["y0", 1]]}', /no "x" column/],
    ['{"columns": [["x", 1, 2], ["y0", 1]]}', /y0 has 1 values but x has 2/],
    ['{"columns": [["x", 1], ["y0", "lots"]]}', /non-numeric value "lots"/],
    ['{"columns": [[1, 2]]}', /column 0 is not an array starting with its id/],
  ])('reports %s as an error instead of throwing', (json, message) => {
    const result = parseStatsGraph(json)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatch(message)
  })
})
