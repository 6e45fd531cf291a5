import type { Update } from 'grammy/types'
import type { Sql } from 'postgres'
import type { Logger } from '../logger.ts'
import { mapUpdate } from './map-update.ts'
import { appendRows } from './merge-rows.ts'
import { PendingBatch } from './pending-batch.ts'
import { emptyRows, type ChatRow, type UpdateRows } from './rows.ts'
import { SeenCache } from './seen-cache.ts'
import { replaceWatermark } from '../../db/queries/bot-state.ts'
import { schemaProblems } from './schema-check.ts'
import { writeBatch, type BatchSummary } from './write-batch.ts'
import type { Engine } from '../../db/migrate.ts'

export interface BatchWriterOptions {
  maxRows: number
  maxDelayMs: number
  log: Logger
  botId: number
  /**
   * Batches committed at once, each for its own share of the chats (default 1). While one
   * lane's commit waits for the database, another's can run: see `laneOf`.
   */
  lanes?: number
  /** Which rollups the batch maintains itself (TimescaleDB has continuous aggregates for some). */
  engine?: Engine
  /** Called after each commit, for cache invalidation and the like; never blocks the writer. */
  onCommitted?: (summary: BatchSummary) => void
  retry?: { initialMs: number; maxMs: number }
}

/** One stream of commits: a batch being written, and the next one gathering meanwhile. */
class Lane {
  pending = new PendingBatch()
  flushing: Promise<void> | undefined
  timer: NodeJS.Timeout | undefined
  immediate: NodeJS.Immediate | undefined
  failing = false
}

// SQLSTATEs that no retry can fix: bad data (22), constraint violations (23), bad SQL (42), and a
// configured limit exceeded (53400: TimescaleDB's limit of compressed rows one statement may unpack).
const isPermanent = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && (/^(22|23|42)[0-9A-Z]{3}$/.test(code) || code === '53400')
}

const CAREFUL_AFTER_REPLAY_MS = 60_000

type Outcome = { stored: true } | { stored: false; refused: boolean; error: unknown }

const STORED: Outcome = { stored: true }
const NOTHING_TO_STORE = Promise.resolve()

/** The event an update carries (the message, the reaction, the member change…), if it is one the bot records. */
export function eventOf(update: Update): { chat?: { id?: unknown }; date?: unknown; edit_date?: unknown } | undefined {
  return update.message ?? update.edited_message ?? update.message_reaction ?? update.message_reaction_count ??
    update.chat_member ?? update.my_chat_member
}

const CLOCK_AHEAD_WARNING_SECONDS = 600
const CLOCK_WARNING_EVERY_MS = 600_000

function chatIdOfRows(rows: UpdateRows): number {
  return (rows.messages[0] ?? rows.edits[0] ?? rows.reactions[0] ?? rows.reactionCounts[0] ?? rows.memberEvents[0] ??
    rows.botMemberships[0] ?? rows.chats[0])?.chatId ?? 0
}

/**
 * Collects rows from many updates and commits them together. What `record` and `add` return
 * resolves only after the rows are committed; a failed commit is retried with backoff until it
 * succeeds, so callers (and the update offset behind them) never move past data that is not stored.
 */
export class BatchWriter {
  private readonly lanes: Lane[]
  private closed = false
  private stopRetrying = false
  private watermark: number | undefined
  private readonly seen = new SeenCache()
  /** Until then, every message is looked for before it is inserted (see writeBatch). */
  private carefulUntil = 0
  private clockWarnedUntil = 0

  constructor(
    private readonly sql: Sql,
    private readonly options: BatchWriterOptions,
  ) {
    this.lanes = Array.from({ length: Math.max(1, options.lanes ?? 1) }, () => new Lane())
  }

  /** Maps an update to rows and queues them; resolves once they are committed (at once when there is nothing to store). */
  record(update: Update): Promise<void> {
    if (this.closed) return Promise.reject(new Error('batch writer is closed'))
    const event = eventOf(update)
    const chatId = event?.chat?.id
    const lane = this.laneOf(typeof chatId === 'number' ? chatId : 0)
    const pending = lane.pending
    try {
      const result = mapUpdate(update, this.options.botId, pending.rows)
      if (result.skipped !== undefined) {
        // The update's id and kind, not its content (message text stays out of the logs).
        if (result.bad) this.options.log.warn({ update_id: update.update_id, kinds: Object.keys(update), reason: result.skipped }, 'an update the bot cannot store as it is; it is skipped')
        else this.options.log.debug({ update_id: update.update_id, reason: result.skipped }, 'update not stored')
        return NOTHING_TO_STORE
      }
      // When Telegram says it happened (an edit: when it was edited).
      const date = event?.edit_date ?? event?.date
      if (typeof date === 'number') this.checkClock(update.update_id, date)
    } catch (error) {
      pending.rewind()
      // The update's id and kind, not its content: message text stays out of the logs too.
      this.options.log.error({ err: error, update_id: update.update_id, kinds: Object.keys(update) }, 'could not read this update; it is skipped')
      return NOTHING_TO_STORE
    }
    return this.queued(lane)
  }

  /**
   * Telegram dates updates by its servers' clock. One well ahead of this machine's means this
   * clock is behind: everything is stored all the same, but "today" and every period are read
   * off this clock. Said at most every ten minutes.
   */
  private checkClock(updateId: number, date: number): void {
    const now = Date.now()
    const aheadSeconds = date - now / 1000
    if (aheadSeconds < CLOCK_AHEAD_WARNING_SECONDS || now < this.clockWarnedUntil) return
    this.clockWarnedUntil = now + CLOCK_WARNING_EVERY_MS
    this.options.log.warn({ update_id: updateId, aheadMinutes: Math.round(aheadSeconds / 60) },
      "an update is dated ahead of this machine's clock: is the clock right? (periods such as today follow it)")
  }

  /** Queues rows mapped elsewhere; resolves once they are committed. */
  add(rows: UpdateRows): Promise<void> {
    if (this.closed) return Promise.reject(new Error('batch writer is closed'))
    const lane = this.laneOf(chatIdOfRows(rows))
    appendRows(lane.pending.rows, rows)
    return this.queued(lane)
  }

  /** The highest update id whose handling is complete; stored with the next commit. */
  setWatermark(updateId: number): void {
    if (this.watermark === undefined || updateId > this.watermark) this.watermark = updateId
  }

  /**
   * After Telegram numbered updates anew, lower than before: commits everything handed over so
   * far (with the watermark it carries), then stores `updateId` as the watermark. Batches keep the
   * higher of two watermarks, which would keep the old numbering's for good, and a restart would
   * then ask for an offset that confirms unstored updates once the new ids pass it.
   */
  async replaceWatermark(updateId: number): Promise<void> {
    await this.flush()
    this.watermark = undefined
    await replaceWatermark(this.sql, this.options.botId, updateId)
  }

  /** True while a commit is being retried after a failure (the database is unreachable). */
  get failing(): boolean {
    return this.lanes.some((lane) => lane.failing)
  }

  /** Commits everything added so far. */
  async flush(): Promise<void> {
    for (;;) {
      const busy = this.lanes.find((lane) => lane.flushing)
      if (busy) {
        await busy.flushing
        continue
      }
      const waiting = this.lanes.find((lane) => lane.pending.count > 0) ?? (this.watermark !== undefined ? this.lanes[0] : undefined)
      if (!waiting) return
      this.startFlush(waiting)
    }
  }

  /** Flushes and refuses further rows. With `abandon`, pending retries stop (used when the process must exit now). */
  async close(options: { abandon?: boolean } = {}): Promise<void> {
    this.closed = true
    if (options.abandon) this.stopRetrying = true
    for (const lane of this.lanes) {
      clearTimeout(lane.timer)
      clearImmediate(lane.immediate)
    }
    await this.flush()
  }

  /**
   * Every chat is written by one lane, so a chat's rows stay in order and two lanes never
   * contend for its rollup rows. Rows they do share (users, a channel posting in a group) are
   * locked in one global order by every batch (see write-batch.ts), so lanes wait, never deadlock.
   */
  private laneOf(chatId: number): Lane {
    return this.lanes.length === 1 ? this.lanes[0]! : this.lanes[Math.abs(chatId) % this.lanes.length]!
  }

  private queued(lane: Lane): Promise<void> {
    const done = lane.pending.mark()
    this.schedule(lane)
    return done
  }

  private schedule(lane: Lane): void {
    if (lane.flushing) return
    if (lane.pending.count >= this.options.maxRows) {
      this.startFlush(lane)
    } else if (!lane.timer && !lane.immediate) {
      const flush = () => {
        lane.timer = undefined
        lane.immediate = undefined
        if (!lane.flushing) this.startFlush(lane)
      }
      // 0: write as soon as the updates at hand are handled (a getUpdates answer is handled in
      // one turn of the event loop); while a commit runs, rows gather for the next one anyway.
      if (this.options.maxDelayMs === 0) lane.immediate = setImmediate(flush)
      else lane.timer = setTimeout(flush, this.options.maxDelayMs)
    }
  }

  private startFlush(lane: Lane): void {
    clearTimeout(lane.timer)
    clearImmediate(lane.immediate)
    lane.timer = undefined
    lane.immediate = undefined
    const batch = lane.pending
    lane.pending = new PendingBatch()
    const watermark = this.watermark
    this.watermark = undefined
    // Filtered and remembered now, not at commit: a batch of another lane that is flushed while
    // this one is written then knows these names too, whichever of the two commits first.
    const rows = this.seen.handOver(batch.rows)
    lane.flushing = this.commit(lane, batch, rows, watermark).finally(() => {
      lane.flushing = undefined
      // These rows have waited for a whole commit already: no reason to wait any longer.
      if (lane.pending.count > 0) this.startFlush(lane)
    })
  }

  private async commit(lane: Lane, batch: PendingBatch, rows: UpdateRows, watermark: number | undefined): Promise<void> {
    let outcome = await this.store(lane, rows, watermark, batch.count, batch.rows.chats)
    if (!outcome.stored && outcome.refused) outcome = await this.storeOneByOne(lane, batch, watermark)
    if (outcome.stored) batch.resolve()
    else batch.reject(outcome.error)
  }

  /** Writes rows in one transaction, retrying with backoff until they are stored or refused for good. */
  private async store(
    lane: Lane, rows: UpdateRows, watermark: number | undefined, updates: number, chatsSeen: readonly ChatRow[] = rows.chats,
  ): Promise<Outcome> {
    const retry = this.options.retry ?? { initialMs: 200, maxMs: 30_000 }
    let delay = retry.initialMs
    for (let attempt = 1; ; attempt++) {
      try {
        const mark = watermark === undefined ? undefined : { botId: this.options.botId, updateId: watermark }
        const started = performance.now()
        const summary = await writeBatch(this.sql, rows, {
          watermark: mark, engine: this.options.engine, chatsSeen, careful: started < this.carefulUntil,
        })
        if (summary.repeated) {
          // Replays come in runs (after a restart, or a webhook delivered again): the batches
          // that follow soon are written with care at once rather than refused first.
          this.carefulUntil = performance.now() + CAREFUL_AFTER_REPLAY_MS
          this.options.log.info({ updates }, 'the batch held messages stored before (a replay); it was written again with care')
        }
        this.committed(summary)
        this.options.log.debug({ updates, ms: Math.round(performance.now() - started) }, 'batch committed')
        if (attempt > 1) this.options.log.info({ attempt, updates }, 'database is back; batch committed')
        lane.failing = false
        return STORED
      } catch (error) {
        // A statement refused because a table is missing, changed or closed to the bot would
        // refuse every update alike: waited out like an outage, not skipped update by update.
        const permanent = isPermanent(error)
        const problems = await this.schemaProblems(error)
        if (permanent && problems.length === 0) return { stored: false, refused: true, error }
        if (this.stopRetrying) return { stored: false, refused: false, error }
        lane.failing = true
        this.options.log.error(
          { err: error, ...(problems.length > 0 && { problems }), attempt, retryInMs: delay, updates },
          problems.length > 0
            ? 'the database refuses the bot: its tables are missing, changed or not writable; fetching is paused until they are fixed'
            : 'could not commit a batch; fetching is paused until it is stored',
        )
        await new Promise((r) => setTimeout(r, delay))
        delay = Math.min(delay * 2, retry.maxMs)
      }
    }
  }

  /**
   * For a refusal of class 42, or a COPY refused for row-level security (0A000), what in the
   * tables a batch writes keeps it from being written (a marker when the check itself fails:
   * retried then too).
   */
  private async schemaProblems(error: unknown): Promise<string[]> {
    const code = String((error as { code?: unknown } | null)?.code)
    if (!code.startsWith('42') && code !== '0A000') return []
    return schemaProblems(this.sql, this.options.engine).catch((e: unknown) => [`(the check failed: ${String(e)})`])
  }

  /** One update's rows are refused by the database: find it, log it, and let the rest through. */
  private async storeOneByOne(lane: Lane, batch: PendingBatch, watermark: number | undefined): Promise<Outcome> {
    for (const rows of batch.updates()) {
      const outcome = await this.store(lane, rows, undefined, 1)
      if (outcome.stored) continue
      if (!outcome.refused) return outcome
      this.options.log.error({ err: outcome.error, rows: summarize(rows) }, 'the database refused an update; it is skipped')
      // Its names were remembered when the batch was handed over, and another lane may have
      // dropped its own sightings of them since: store them alone, and only if the database
      // refuses those too, forget them, so that the next sighting writes them.
      const names = { ...emptyRows(), chats: rows.chats, users: rows.users }
      const named = await this.store(lane, names, undefined, 0)
      if (!named.stored && !named.refused) return named
      if (!named.stored) this.seen.forget(rows)
    }
    // The watermark goes on its own once every update of the batch is stored or skipped.
    return watermark === undefined ? STORED : this.store(lane, emptyRows(), watermark, 0)
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
