import { Worker } from 'node:worker_threads'
import type { ChannelChartInput } from './channel-chart.ts'
import type { DailyChartInput } from './daily-chart.ts'
import type { HeatmapInput } from './heatmap.ts'

export type ChartRequest =
  | { kind: 'daily'; input: DailyChartInput }
  | { kind: 'heatmap'; input: HeatmapInput }
  | { kind: 'channel'; input: ChannelChartInput }

interface Pending {
  resolve(png: Buffer): void
  reject(error: Error): void
}

type Reply = { ready: true } | { id: number; png: Uint8Array } | { id: number; error: string }

/**
 * Draws charts on a thread of their own. A chart takes milliseconds of CPU (Skia, read-back,
 * deflate) and a 1.4 MB pixel buffer; on the bot's thread that would stall ingest and replies,
 * and the buffers would bring on full garbage collections of the bot's heap. A worker that dies
 * fails the charts it held and is started again on the next one.
 */
export class ChartRenderer {
  private worker: Worker | undefined
  private ready: Promise<void> | undefined
  private readonly pending = new Map<number, Pending>()
  private nextId = 1

  render(request: ChartRequest): Promise<Buffer> {
    const worker = this.worker ?? this.spawn()
    const id = this.nextId++
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      worker.ref()
      worker.postMessage({ id, request })
    })
  }

  /** Starts the thread and loads the fonts (about a second) ahead of the first chart. */
  warmUp(): Promise<void> {
    if (!this.worker) this.spawn()
    return this.ready!
  }

  /** Stops the thread; charts still in it fail. The next render starts a new one. */
  async close(): Promise<void> {
    const worker = this.worker
    this.worker = undefined
    this.ready = undefined
    for (const pending of this.pending.values()) pending.reject(new Error('the chart renderer was closed'))
    this.pending.clear()
    await worker?.terminate()
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./chart-worker.mjs', import.meta.url))
    let signalReady!: () => void
    let failReady!: (error: Error) => void
    this.ready = new Promise<void>((resolve, reject) => {
      signalReady = resolve
      failReady = reject
    })
    this.ready.catch(() => {})
    worker.on('message', (reply: Reply) => {
      if ('ready' in reply) {
        if (this.pending.size === 0) worker.unref()
        return signalReady()
      }
      const pending = this.pending.get(reply.id)
      if (!pending) return
      this.pending.delete(reply.id)
      if (this.pending.size === 0) worker.unref()
      if ('png' in reply) pending.resolve(Buffer.from(reply.png.buffer, reply.png.byteOffset, reply.png.byteLength))
      else pending.reject(new Error(`chart rendering failed: ${reply.error}`))
    })
    const fail = (error: Error) => {
      if (this.worker !== worker) return
      this.worker = undefined
      failReady(error)
      for (const pending of this.pending.values()) pending.reject(error)
      this.pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`the chart thread exited with code ${code}`)))
    // Held open only while it starts or draws: an idle chart thread never keeps the process alive.
    this.worker = worker
    return worker
  }
}

let shared: ChartRenderer | undefined

/** The process's chart renderer. */
export function chartRenderer(): ChartRenderer {
  shared ??= new ChartRenderer()
  return shared
}

export const renderChart = (request: ChartRequest): Promise<Buffer> => chartRenderer().render(request)
