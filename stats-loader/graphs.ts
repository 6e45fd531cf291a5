// StatsGraph JSON (the chart format of Telegram's 2019 chart contest, which the apps still use)
// → typed series. The format: `columns` is a list of arrays whose first element is the column
// id ("x", "y0", …); `types`, `names` and `colors` map ids to chart type, localized label and
// colour; `y_scaled`, `stacked` and `percentage` are display flags. Production answers add keys
// the contest data lacks (`title`, `hidden`, `subchart`, `strokeWidth`, `*Formatter`,
// `tooltipSort`) and name colours `NAME#RRGGBB`; they are kept where useful and otherwise ignored.

/**
 * What the x values are: `day` and `week` are UTC midnights in milliseconds, one or seven days
 * apart; `intraday` are finer timestamps (zoomed graphs); `hour_of_day` is 0..23
 * (top_hours_graph); `index` is any other small-number axis.
 */
export type Axis = 'day' | 'week' | 'intraday' | 'hour_of_day' | 'index'

export interface GraphSeries {
  columnId: string
  label: string
  chartType: string
  color: string | null
  hidden: boolean
  /** One value per x; null where the column has no value (kept so indexes line up with x). */
  values: (number | null)[]
}

export interface ParsedGraph {
  axis: Axis
  x: number[]
  series: GraphSeries[]
  yScaled: boolean
  stacked: boolean
  percentage: boolean
  title: string | null
}

export type GraphParse = { ok: true; graph: ParsedGraph } | { ok: false; error: string }

const DAY_MS = 86_400_000
const WEEK_MS = 7 * DAY_MS
// Anything below this is not a millisecond timestamp (it would be before March 1973).
const MIN_TIMESTAMP_MS = 1e11

export function parseStatsGraph(json: string, key = ''): GraphParse {
  let data: unknown
  try {
    data = JSON.parse(json)
  } catch (error) {
    return { ok: false, error: `malformed JSON: ${error instanceof Error ? error.message : String(error)}` }
  }
  if (!isObject(data)) return { ok: false, error: 'graph JSON is not an object' }
  if (!Array.isArray(data.columns)) return { ok: false, error: 'graph JSON has no "columns" array' }

  let x: number[] | undefined
  const columns: { id: string; values: (number | null)[] }[] = []
  for (const [index, column] of data.columns.entries()) {
    if (!Array.isArray(column) || typeof column[0] !== 'string') {
      return { ok: false, error: `column ${index} is not an array starting with its id` }
    }
    const id = column[0]
    const values: (number | null)[] = []
    for (const value of column.slice(1)) {
      if (value === null) values.push(null)
      else if (typeof value === 'number' && Number.isFinite(value)) values.push(value)
      else if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) values.push(Number(value))
      else return { ok: false, error: `column ${id} has a non-numeric value ${JSON.stringify(value)}` }
    }
    if (id === 'x') {
      if (values.some((v) => v === null)) return { ok: false, error: 'column x has a null value' }
      x = values as number[]
    } else columns.push({ id, values })
  }
  if (!x) return { ok: false, error: 'graph JSON has no "x" column' }
  for (const column of columns) {
    if (column.values.length !== x.length) {
      return { ok: false, error: `column ${column.id} has ${column.values.length} values but x has ${x.length}` }
    }
  }

  const types = stringMap(data.types)
  const names = stringMap(data.names)
  const colors = stringMap(data.colors)
  const hidden = new Set(Array.isArray(data.hidden) ? data.hidden.filter((h): h is string => typeof h === 'string') : [])
  return {
    ok: true,
    graph: {
      axis: detectAxis(x, key),
      x,
      series: columns.map(({ id, values }) => ({
        columnId: id,
        label: names[id] ?? id,
        chartType: types[id] ?? 'line',
        color: colors[id] ?? null,
        hidden: hidden.has(id),
        values,
      })),
      yScaled: data.y_scaled === true,
      stacked: data.stacked === true,
      percentage: data.percentage === true,
      title: typeof data.title === 'string' ? data.title : null,
    },
  }
}

export function detectAxis(x: readonly number[], key = ''): Axis {
  if (x.length === 0) return 'day'
  const integers = x.every((v) => Number.isInteger(v))
  if (x.every((v) => v >= MIN_TIMESTAMP_MS)) {
    if (!integers) return 'intraday'
    const midnights = x.every((v) => v % DAY_MS === 0)
    if (!midnights) return 'intraday'
    const gaps = x.slice(1).map((v, i) => v - x[i]!)
    if (gaps.length > 0 && gaps.every((g) => g > 0 && g % WEEK_MS === 0)) return 'week'
    return 'day'
  }
  if (integers && x.every((v) => v >= 0 && v <= 23) && (key === 'top_hours_graph' || x.length === 24)) return 'hour_of_day'
  return 'index'
}

export interface DailyPoint {
  day: string
  metric: string
  value: number
}

export interface BucketPoint {
  bucket: number
  metric: string
  value: number
}

export const metricKey = (graphKey: string, columnId: string): string => `${graphKey}.${columnId}`

/** The series of a day or week axis as (day, metric, value) rows; missing values are skipped. */
export function dailyPoints(graphKey: string, graph: ParsedGraph): DailyPoint[] {
  if (graph.axis !== 'day' && graph.axis !== 'week') return []
  const days = graph.x.map((ms) => new Date(ms).toISOString().slice(0, 10))
  return graph.series.flatMap((series) =>
    series.values.flatMap((value, i) => (value === null ? [] : [{ day: days[i]!, metric: metricKey(graphKey, series.columnId), value }])),
  )
}

/** The series of an hour-of-day or index axis as (bucket, metric, value) rows. */
export function bucketPoints(graphKey: string, graph: ParsedGraph): BucketPoint[] {
  if (graph.axis !== 'hour_of_day' && graph.axis !== 'index') return []
  return graph.series.flatMap((series) =>
    series.values.flatMap((value, i) =>
      value === null ? [] : [{ bucket: Math.trunc(graph.x[i]!), metric: metricKey(graphKey, series.columnId), value }],
    ),
  )
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {}
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'))
}
