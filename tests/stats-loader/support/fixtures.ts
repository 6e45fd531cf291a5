import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// The real chart files (Telegram's 2019 chart contest data, the StatsGraph JSON format): copies of ../shared/fixtures/statsgraph, read-only.
const DIR = process.env.STATSGRAPH_FIXTURES ?? fileURLToPath(new URL('../../fixtures/statsgraph/', import.meta.url))

export function fixtureText(name: string): string {
  return readFileSync(`${DIR}/${name}`, 'utf8')
}

export interface RawChart {
  columns: (string | number)[][]
  types: Record<string, string>
  names: Record<string, string>
  [key: string]: unknown
}

/** The fixture parsed with JSON.parse only, so tests can compute expectations without the parser. */
export function fixtureChart(name: string): RawChart {
  return JSON.parse(fixtureText(name)) as RawChart
}

/** A column's values by id, read straight from the raw chart. */
export function column(chart: RawChart, id: string): number[] {
  const found = chart.columns.find((c) => c[0] === id)
  if (!found) throw new Error(`no column ${id}`)
  return found.slice(1) as number[]
}

export const FIXTURES = {
  stage1: 'contest2019_stage1_chart_data.json',
  joinedLeft: 'contest2019_stage2_1_overview.json',
  joinedLeftZoom: 'contest2019_stage2_1_zoom_2018-04-07.json',
  viewsShares: 'contest2019_stage2_2_overview.json',
  stackedBars: 'contest2019_stage2_3_overview.json',
  singleBar: 'contest2019_stage2_4_overview.json',
  fiveMinuteZoom: 'contest2019_stage2_4_zoom_2018-04-07.json',
  percentageAreas: 'contest2019_stage2_5_overview.json',
} as const
