// SYNTHETIC StatsGraph JSON for the forms the contest fixtures lack: production-only keys
// (`title`, `hidden`, `subchart`, `strokeWidth`, formatters, `NAME#RRGGBB` colours), the `step`
// type, weekly steps and the hour-of-day axis of top_hours_graph. Shapes follow the production
// format as documented for StatsGraph; the numbers are made up.

const DAY_MS = 86_400_000

export const productionExtras = {
  subchart: { show: true, defaultZoom: [0, 0] },
  strokeWidth: 2,
  xTickFormatter: "function(x) { return new Date(x).toLocaleString('en-US', {month: 'short', day: 'numeric'}); }",
  xTooltipFormatter: "function(x) { return new Date(x).toLocaleString('en-US', {weekday: 'short', month: 'short', day: 'numeric', year: 'numeric'}); }",
  yTooltipFormatter: 'function(y) { return y.toLocaleString(); }',
  tooltipSort: true,
}

/** top_hours_graph: x = 0..23 (hour of day, UTC), two periods compared. */
export function topHoursJson(thisWeek: number[], lastWeek: number[]): string {
  const hours = Array.from({ length: 24 }, (_, h) => h)
  return JSON.stringify({
    columns: [['x', ...hours], ['y0', ...thisWeek], ['y1', ...lastWeek]],
    types: { y0: 'line', y1: 'line', x: 'x' },
    names: { y0: 'Views this week', y1: 'Views last week' },
    colors: { y0: 'BLUE#3497ED', y1: 'LIGHT_BLUE#2D6BB8' },
    hidden: [],
    title: 'Views by hours (UTC)',
    ...productionExtras,
  })
}

/** A `step` series with weekly x values (UTC midnights seven days apart). */
export function weeklyStepJson(firstMonday: string, values: number[]): string {
  const start = Date.parse(`${firstMonday}T00:00:00Z`)
  return JSON.stringify({
    columns: [['x', ...values.map((_, i) => start + i * 7 * DAY_MS)], ['y0', ...values]],
    types: { y0: 'step', x: 'x' },
    names: { y0: 'Weekly followers' },
    colors: { y0: 'GREEN#4BB33C' },
    title: 'Weekly',
    ...productionExtras,
  })
}

/** A daily line with production keys and a hidden second column, e.g. growth_graph. */
export function dailyJson(firstDay: string, columns: Record<string, number[]>, names: Record<string, string>, hidden: string[] = []): string {
  const start = Date.parse(`${firstDay}T00:00:00Z`)
  const length = Object.values(columns)[0]?.length ?? 0
  return JSON.stringify({
    columns: [['x', ...Array.from({ length }, (_, i) => start + i * DAY_MS)], ...Object.entries(columns).map(([id, v]) => [id, ...v])],
    types: Object.fromEntries([...Object.keys(columns).map((id) => [id, 'line']), ['x', 'x']]),
    names,
    colors: Object.fromEntries(Object.keys(columns).map((id, i) => [id, `${['GREEN', 'RED', 'BLUE'][i % 3]}#${['4BB33C', 'E05356', '3497ED'][i % 3]}`])),
    hidden,
    title: 'Growth',
    ...productionExtras,
  })
}
