import type { Update } from 'grammy/types'
import type { Sql } from 'postgres'
import type { Logger } from '../logger.ts'
import { mapUpdate } from './map-update.ts'
import { appendRows } from './merge-rows.ts'
import { emptyRows, ROW_LISTS, type UpdateRows } from './rows.ts'
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

/**
 * The updates gathered for one commit. Their rows go straight into one set of lists, and all
 * of them wait on one promise: nothing is kept per update but the lengths of the lists after
 * it (`marks`), which is enough to split the batch when the database refuses one update.
 */
class Pending {
  readonly rows = emptyRows()
  readonly marks: number[] = []
  count = 0
  private promise: Promise<void> | undefined
  private settle: { resolve: () => void; reject: (e: unknown) => void } | undefined

  /** Closes the current update: its rows are the ones added since the previous mark. */
  mark(): Promise<void> {
    for (const key of ROW_LISTS) this.marks.push(this.rows[key].length)
    this.count++
    return (this.promise ??= new Promise((resolve, reject) => { this.settle = { resolve, reject } }))
  }

  /** Drops rows added since the last mark (an update that failed halfway through mapping). */
  rewind(): void {
    const base = this.marks.length - ROW_LISTS.length
    ROW_LISTS.forEach((key, i) => { this.rows[key].length = base < 0 ? 0 : this.marks[base + i]! })
  }

  /** Each update's rows on their own, in order. */
  *updates(): Generator<UpdateRows> {
    for (let u = 0; u < this.count; u++) {
      const rows = emptyRows()
      ROW_LISTS.forEach((key, i) => {
        const from = u === 0 ? 0 : this.marks[(u - 1) * ROW_LISTS.length + i]!
        const to = this.marks[u * ROW_LISTS.length + i]!
        ;(rows[key] as unknown[]) = this.rows[key].slice(from, to)
      })
      yield rows
    }
  }

  resolve(): void {
    this.settle?.resolve()
  }

  reject(error: unknown): void {
    this.settle?.reject(error)
  }
}

// SQLSTATE classes that no retry can fix: bad data (22), constraint violations (23), bad SQL (42).
const isPermanent = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^(22|23|42)[0-9A-Z]{3}$/.test(code)
}

type Outcome = { stored: true } | { stored: false; refused: boolean; error: unknown }

const STORED: Outcome = { stored: true }
const NOTHING_TO_STORE = Promise.resolve()

/**
 * Collects rows from many updates and commits them together. What `record` and `add` return
 * resolves only after the rows are committed; a failed commit is retried with backoff until it
 * succeeds, so callers (and the update offset behind them) never move past data that is not stored.
 */
export class BatchWriter {
  private pending = new Pending()
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

  /** Maps an update to rows and queues them; resolves once they are committed (at once when there is nothing to store). */
  record(update: Update): Promise<void> {
    if (this.closed) return Promise.reject(new Error('batch writer is closed'))
    const pending = this.pending
    try {
      const result = mapUpdate(update, this.options.botId, pending.rows)
      if (result.skipped !== undefined) {
        this.options.log.debug({ update_id: update.update_id, reason: result.skipped }, 'update not stored')
        return NOTHING_TO_STORE
      }
    } catch (error) {
      pending.rewind()
      this.options.log.error({ err: error, update }, 'could not read this update; it is skipped')
      return NOTHING_TO_STORE
    }
    return this.queued(pending)
  }

  /** Queues rows mapped elsewhere; resolves once they are committed. */
  add(rows: UpdateRows): Promise<void> {
    if (this.closed) return Promise.reject(new Error('batch writer is closed'))
    appendRows(this.pending.rows, rows)
    return this.queued(this.pending)
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

  private queued(pending: Pending): Promise<void> {
    const done = pending.mark()
    this.schedule()
    return done
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
    this.pending = new Pending()
    const watermark = this.watermark
    this.watermark = undefined
    this.flushing = this.commit(batch, watermark).finally(() => {
      this.flushing = undefined
      // These rows have waited for a whole commit already: no reason to wait any longer.
      if (this.pending.count > 0) this.startFlush()
    })
  }

  private async commit(batch: Pending, watermark: number | undefined): Promise<void> {
    let outcome = await this.store(batch.rows, watermark, batch.count)
    if (!outcome.stored && outcome.refused) outcome = await this.storeOneByOne(batch, watermark)
    if (outcome.stored) batch.resolve()
    else batch.reject(outcome.error)
  }

  /** Writes rows in one transaction, retrying with backoff until they are stored or refused for good. */
  private async store(rows: UpdateRows, watermark: number | undefined, updates: number): Promise<Outcome> {
    const retry = this.options.retry ?? { initialMs: 200, maxMs: 30_000 }
    let delay = retry.initialMs
    for (let attempt = 1; ; attempt++) {
      try {
        const mark = watermark === undefined ? undefined : { botId: this.options.botId, updateId: watermark }
        const started = performance.now()
        this.committed(await writeBatch(this.sql, this.seen.withoutKnown(rows), mark, this.options.engine))
        this.options.log.debug({ updates, ms: Math.round(performance.now() - started) }, 'batch committed')
        this.seen.remember(rows)
        if (attempt > 1) this.options.log.info({ attempt, updates }, 'database is back; batch committed')
        this.failing = false
        return STORED
      } catch (error) {
        if (isPermanent(error)) return { stored: false, refused: true, error }
        if (this.stopRetrying) return { stored: false, refused: false, error }
        this.failing = true
        this.options.log.error(
          { err: error, attempt, retryInMs: delay, updates },
          'could not commit a batch; fetching is paused until it is stored',
        )
        await new Promise((r) => setTimeout(r, delay))
        delay = Math.min(delay * 2, retry.maxMs)
      }
    }
  }

  /** One update's rows are refused by the database: find it, log it, and let the rest through. */
  private async storeOneByOne(batch: Pending, watermark: number | undefined): Promise<Outcome> {
    for (const rows of batch.updates()) {
      const outcome = await this.store(rows, undefined, 1)
      if (outcome.stored) continue
      if (!outcome.refused) return outcome
      this.options.log.error({ err: outcome.error, rows: summarize(rows) }, 'the database refused an update; it is skipped')
    }
    // The watermark goes on its own once every update of the batch is stored or skipped.
    return watermark === undefined ? STORED : this.store(emptyRows(), watermark, 0)
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
