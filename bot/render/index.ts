export { DAILY_LAYOUT, type DailyChartInput, renderDailyChart } from './daily-chart.ts'
export type { DayValue } from './day-buckets.ts'
export { HEATMAP_LAYOUT, type HeatmapInput, renderHeatmap } from './heatmap.ts'
export { registerChartFonts, warmUpChartFonts } from './fonts.ts'
