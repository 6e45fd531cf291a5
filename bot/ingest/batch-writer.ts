import type { Sql } from 'postgres'
import type { Logger } from '../logger.ts'
import { appendRows } from './merge-rows.ts'
import { emptyRows, type UpdateRows } from './rows.ts'
import { SeenCache } from './seen-cache.ts'
import { writeBatch, type BatchSummary } from './write-batch.ts'
import type { Engine } from '../../db/migrate.ts'

export interface BatchWriterOptions {
  maxRows: number
  maxDelayMs: number
  log: Logger
  botId: number
  /** Which rollups the batch maintains itself (TimescaleDB has continuous aggregates for some). */
  engine?: Engine
  /** Called after each commit, for cache invalidation and the like; never blocks the writer. */
  onCommitted?: (summary: BatchSummary) => void
  retry?: { initialMs: number; maxMs: number }
}

interface Item {
  rows: UpdateRows
  resolve: () => void
  reject: (e: unknown) => void
}

interface Pending {
  items: Item[]
  count: number
}

const newPending = (): Pending => ({ items: [], count: 0 })

// SQLSTATE classes that no retry can fix: bad data (22), constraint violations (23), bad SQL (42).
const isPermanent = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^(22|23|42)[0-9A-Z]{3}$/.test(code)
}

function merge(items: Item[]): UpdateRows {
  const rows = emptyRows()
  for (const item of items) appendRows(rows, item.rows)
  return rows
}

/**
 * Collects rows from many updates and commits them together. `add` resolves only after the
 * rows are committed; a failed commit is retried with backoff until it succeeds, so callers
 * (and the update offset behind them) never move past data that is not stored.
 */
export class BatchWriter {
  private pending = newPending()
  private flushing: Promise<void> | undefined
  private timer: NodeJS.Timeout | undefined
  private immediate: NodeJS.Immediate | undefined
  private closed = false
  private stopRetrying = false
  private watermark: number | undefined
  private readonly seen = new SeenCache()

  constructor(
    private readonly sql: Sql,
    private readonly options: BatchWriterOptions,
  ) {}

  add(rows: UpdateRows): Promise<void> {
    if (this.closed) return Promise.reject(new Error('batch writer is closed'))
    return new Promise((resolve, reject) => {
      this.pending.items.push({ rows, resolve, reject })
      this.pending.count++
      this.schedule()
    })
  }

  /** The highest update id whose handling is complete; stored with the next commit. */
  setWatermark(updateId: number): void {
    if (this.watermark === undefined || updateId > this.watermark) this.watermark = updateId
  }

  /** True while a commit is being retried after a failure (the database is unreachable). */
  failing = false


  /** Commits everything added so far. */
  async flush(): Promise<void> {
    while (this.flushing || this.pending.count > 0 || this.watermark !== undefined) {
      if (this.flushing) await this.flushing
      else this.startFlush()
    }
  }

  /** Flushes and refuses further rows. With `abandon`, pending retries stop (used when the process must exit now). */
  async close(options: { abandon?: boolean } = {}): Promise<void> {
    this.closed = true
    if (options.abandon) this.stopRetrying = true
    clearTimeout(this.timer)
    clearImmediate(this.immediate)
    await this.flush()
  }

  private schedule(): void {
    if (this.flushing) return
    if (this.pending.count >= this.options.maxRows) {
      this.startFlush()
    } else if (!this.timer && !this.immediate) {
      const flush = () => {
        this.timer = undefined
        this.immediate = undefined
        if (!this.flushing) this.startFlush()
      }
      // 0: write as soon as the updates at hand are handled (a getUpdates answer is handled in
      // one turn of the event loop); while a commit runs, rows gather for the next one anyway.
      if (this.options.maxDelayMs === 0) this.immediate = setImmediate(flush)
      else this.timer = setTimeout(flush, this.options.maxDelayMs)
    }
  }

  private startFlush(): void {
    clearTimeout(this.timer)
    clearImmediate(this.immediate)
    this.timer = undefined
    this.immediate = undefined
    const batch = this.pending
    this.pending = newPending()
    const watermark = this.watermark
    this.watermark = undefined
    this.flushing = this.commit(batch, watermark).finally(() => {
      this.flushing = undefined
      if (this.pending.count > 0) this.schedule()
    })
  }

  private async commit(batch: Pending, watermark: number | undefined): Promise<void> {
    const retry = this.options.retry ?? { initialMs: 200, maxMs: 30_000 }
    let delay = retry.initialMs
    for (let attempt = 1; ; attempt++) {
      try {
        const mark = watermark === undefined ? undefined : { botId: this.options.botId, updateId: watermark }
        const rows = merge(batch.items)
        const started = performance.now()
        this.committed(await writeBatch(this.sql, this.seen.withoutKnown(rows), mark, this.options.engine))
        this.options.log.debug({ updates: batch.count, ms: Math.round(performance.now() - started) }, 'batch committed')
        this.seen.remember(rows)
        for (const item of batch.items) item.resolve()
        if (attempt > 1) this.options.log.info({ attempt, updates: batch.count }, 'database is back; batch committed')
        this.failing = false
        return
      } catch (error) {
        if (isPermanent(error)) {
          await this.commitOneByOne(batch, watermark)
          return
        }
        if (this.stopRetrying) {
          for (const item of batch.items) item.reject(error)
          return
        }
        this.failing = true
        this.options.log.error(
          { err: error, attempt, retryInMs: delay, updates: batch.count },
          'could not commit a batch; fetching is paused until it is stored',
        )
        await new Promise((r) => setTimeout(r, delay))
        delay = Math.min(delay * 2, retry.maxMs)
      }
    }
  }

  /** One update's rows are refused by the database: find it, log it, and let the rest through. */
  private async commitOneByOne(batch: Pending, watermark: number | undefined): Promise<void> {
    for (const item of batch.items) {
      try {
        this.committed(await writeBatch(this.sql, item.rows, undefined, this.options.engine))
        this.seen.remember(item.rows)
        item.resolve()
      } catch (error) {
        if (!isPermanent(error)) {
          await this.commit({ items: [item], count: 1 }, undefined)
          continue
        }
        this.options.log.error({ err: error, rows: summarize(item.rows) }, 'the database refused an update; it is skipped')
        item.resolve()
      }
    }
    // The watermark goes on its own once every update of the batch is stored or skipped.
    if (watermark !== undefined) await this.commit({ items: [], count: 0 }, watermark)
  }

  private committed(summary: BatchSummary): void {
    if (!this.options.onCommitted) return
    try {
      this.options.onCommitted(summary)
    } catch (error) {
      this.options.log.error({ err: error }, 'onCommitted hook failed')
    }
  }
}

function summarize(rows: UpdateRows): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [key, list] of Object.entries(rows)) if (list.length > 0) out[key] = list.length
  return out
}
