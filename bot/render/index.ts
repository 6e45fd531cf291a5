export { DAILY_LAYOUT, type DailyChartInput, renderDailyChart } from './daily-chart.ts'
export type { DayValue } from './day-buckets.ts'
export { HEATMAP_LAYOUT, type HeatmapInput, renderHeatmap } from './heatmap.ts'
export { chartRenderer, renderChart, type ChartRequest } from './chart-renderer.ts'
