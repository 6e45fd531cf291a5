// The chart thread (chart-renderer.ts, started through chart-worker.mjs): draws one chart at a time, so the canvas
// of each size is shared, and hands the PNG back without copying it.
import { parentPort } from 'node:worker_threads'
import { renderChannelChart } from './channel-chart.ts'
import type { ChartRequest } from './chart-renderer.ts'
import { renderDailyChart } from './daily-chart.ts'
import { warmUpChartFonts } from './fonts.ts'
import { renderHeatmap } from './heatmap.ts'

function render(request: ChartRequest): Buffer {
  switch (request.kind) {
    case 'daily':
      return renderDailyChart(request.input)
    case 'heatmap':
      return renderHeatmap(request.input)
    case 'channel':
      return renderChannelChart(request.input)
  }
}

warmUpChartFonts()
parentPort!.on('message', ({ id, request }: { id: number; request: ChartRequest }) => {
  try {
    const png = render(request)
    const bytes = new Uint8Array(png.length)
    bytes.set(png)
    parentPort!.postMessage({ id, png: bytes }, [bytes.buffer])
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.stack ?? error.message : String(error) })
  }
})
parentPort!.postMessage({ ready: true })
