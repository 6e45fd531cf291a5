import { createConcurrentSink, createRunner, createSource, type RunnerHandle } from '@grammyjs/runner'
import type { Bot } from 'grammy'
import type { Update } from 'grammy/types'
import type { BotContext } from '../context.ts'
import type { Logger } from '../logger.ts'
import type { BatchWriter } from '../ingest/batch-writer.ts'
import { logBotError, updateHandler } from '../create-bot.ts'
import { createCommittedFetcher } from './fetch-updates.ts'
import { UpdateTracker } from './update-tracker.ts'

export interface Polling {
  runner: RunnerHandle
  tracker: UpdateTracker
  /** Milliseconds since getUpdates last answered. */
  silentForMs(): number
  /** Stops fetching and waits for every update in flight to be handled. */
  stop(): Promise<void>
}

/**
 * Long polling through @grammyjs/runner with offsets that only move past committed data.
 * `handledUpTo` is the watermark stored in the database: those updates are not handled again.
 */
export function startPolling(bot: Bot<BotContext>, writer: BatchWriter, log: Logger, handledUpTo: number, pollTimeoutSeconds = 30): Polling {
  const tracker = new UpdateTracker(handledUpTo)
  const fetcher = createCommittedFetcher(bot.api, tracker, {
    timeoutSeconds: pollTimeoutSeconds, log, onRenumber: (before) => writer.replaceWatermark(before),
  })
  const handle = updateHandler(bot, writer)
  const source = createSource<Update>({ supply: (size, signal) => fetcher.supply(size, signal as AbortSignal) })
  const sink = createConcurrentSink<Update, unknown>(
    {
      consume: async (update) => {
        try {
          await handle(update)
        } finally {
          tracker.finish(update.update_id)
          writer.setWatermark(tracker.confirmed)
        }
      },
    },
    async (error) => logBotError(error, log),
    { concurrency: 500 },
  )
  const runner = createRunner(source, sink)
  runner.start()
  return {
    runner,
    tracker,
    silentForMs: fetcher.silentForMs,
    async stop() {
      await runner.stop()
      while (tracker.size > 0) await tracker.waitForProgress()
    },
  }
}
