import type { Api } from 'grammy'
import { setTimeout as delay } from 'node:timers/promises'
import { GrammyError, HttpError } from 'grammy'
import type { Update } from 'grammy/types'
import type { Logger } from '../logger.ts'
import type { UpdateTracker } from './update-tracker.ts'

export const ALLOWED_UPDATES = [
  'message',
  'edited_message',
  'message_reaction',
  'message_reaction_count',
  'chat_member',
  'my_chat_member',
  'callback_query',
] as const

/** Updates asked for per getUpdates (the Bot API's most). */
const LIMIT = 100

export interface FetchOptions {
  timeoutSeconds: number
  log: Logger
  /**
   * How long past the long-poll timeout an answer may take before getUpdates is given up and
   * asked again (default 30 s): a connection that hangs would stall polling for grammY's 500 s.
   */
  answerGraceMs?: number
  /** Called with the update id before the first of a new numbering, before any of it is handed out; retried while it fails. */
  onRenumber?: (before: number) => Promise<void>
}

/**
 * An update supplier for @grammyjs/runner that confirms an update to Telegram only once the
 * tracker says it is fully handled. getUpdates returns unconfirmed updates again, so the ones
 * already in flight are dropped; when only those come back, it waits for progress instead of
 * asking again at once.
 */
export function createCommittedFetcher(api: Api, tracker: UpdateTracker, options: FetchOptions) {
  const { log } = options
  const answerWithinMs = options.timeoutSeconds * 1000 + (options.answerGraceMs ?? 30_000)
  let answeredAt = Date.now()
  return {
    /** Milliseconds since getUpdates last answered with updates or none (since the start before the first). */
    silentForMs: () => Date.now() - answeredAt,
    async supply(_batchSize: number, signal: AbortSignal): Promise<Update[]> {
      let retryMs = 200
      // Apart: a successful getUpdates resets retryMs, and a failed renumbering follows one.
      let renumberRetryMs = 200
      while (!signal.aborted) {
        // The updates in flight come back first in every answer (the offset cannot pass them), so
        // ask once half of it is room for new ones: asking whenever a few are done returned a few
        // new updates at a time, each then committed on its own.
        while (tracker.size > LIMIT / 2 && !signal.aborted) await tracker.waitForProgress(signal)
        if (signal.aborted) break
        let updates: Update[]
        const offset = tracker.nextOffset
        const request = requestSignal(signal, answerWithinMs)
        try {
          updates = await api.getUpdates(
            { offset, limit: LIMIT, timeout: options.timeoutSeconds, allowed_updates: [...ALLOWED_UPDATES] },
            // grammY types the signal with the abort-controller polyfill; the native one is what it uses.
            request.signal as never,
          )
          answeredAt = Date.now()
          retryMs = 200
        } catch (error) {
          if (signal.aborted) break
          if (request.timedOut()) {
            log.warn({ waitedSeconds: answerWithinMs / 1000 }, `getUpdates got no answer in ${answerWithinMs / 1000} s; asking again`)
            continue
          }
          // Telegram's own trouble is not asked about every 200 ms: auto-retry's first wait, 3 s.
          const waitMs = error instanceof GrammyError && error.error_code >= 500 ? Math.max(retryMs, 3000) : retryMs
          await handleFetchError(error, waitMs, log, signal)
          retryMs = Math.min(waitMs * 2, 30_000)
          continue
        } finally {
          request.dispose()
        }
        // Telegram never sends an update below the offset, which confirmed it, but for one
        // reason: it has numbered updates anew (after a week without any it picks the next id at
        // random, and sends it whatever the offset). Dropped as repeats, such updates would be
        // asked for again and again, and never stored. Once nothing is in flight, carry on from them.
        const lowest = updates.reduce((min, u) => Math.min(min, u.update_id), Infinity)
        if (offset > 0 && lowest < offset && tracker.size === 0) {
          log.warn({ before: tracker.highestFetched, now: lowest }, 'Telegram numbered updates anew (it does after a week without any); carrying on from the new ids')
          try {
            await options.onRenumber?.(lowest - 1)
          } catch (error) {
            // Telegram sends them again: the offset has not moved.
            log.error({ err: error, retryInMs: renumberRetryMs }, 'could not store the new numbering of updates; retrying')
            await sleep(renumberRetryMs, signal)
            renumberRetryMs = Math.min(renumberRetryMs * 2, 30_000)
            continue
          }
          renumberRetryMs = 200
          tracker.renumber(lowest)
        }
        const fresh = updates.filter((u) => u.update_id > tracker.highestFetched)
        if (fresh.length > 0) {
          for (const u of fresh) tracker.begin(u.update_id)
          return fresh
        }
        // Only updates already in flight came back. Wait for one of them to finish, unless that
        // happened while the request was out: then the offset has moved and asking again helps.
        if (updates.length > 0 && tracker.nextOffset === offset && tracker.size > 0) await tracker.waitForProgress(signal)
      }
      return []
    },
  }
}

async function handleFetchError(error: unknown, retryMs: number, log: Logger, signal: AbortSignal): Promise<void> {
  if (error instanceof GrammyError) {
    // 401: the token was revoked; 409: another instance polls or a webhook is set. Neither heals by waiting.
    if (error.error_code === 401 || error.error_code === 409) throw error
    const retryAfter = error.parameters.retry_after
    if (error.error_code === 429 && retryAfter) {
      log.warn({ retryAfter }, 'getUpdates is rate limited; waiting')
      await sleep(retryAfter * 1000, signal)
      return
    }
    log.warn({ err: error, retryInMs: retryMs }, 'Telegram refused getUpdates; retrying')
  } else if (error instanceof HttpError) {
    log.warn({ err: error.error, retryInMs: retryMs }, 'cannot reach the Bot API; retrying')
  } else {
    log.error({ err: error, retryInMs: retryMs }, 'getUpdates failed; retrying')
  }
  await sleep(retryMs, signal)
}

/**
 * The signal of one getUpdates: aborted by the stop, or once no answer came in `ms`. A controller
 * of its own, not AbortSignal.any: the runner's stop signal is the abort-controller polyfill,
 * which AbortSignal.any cannot follow, so a stop would wait out the long poll.
 */
function requestSignal(stop: AbortSignal, ms: number) {
  const controller = new AbortController()
  const abort = () => controller.abort()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, ms)
  stop.addEventListener('abort', abort)
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose() {
      clearTimeout(timer)
      stop.removeEventListener('abort', abort)
    },
  }
}

/** Waits `ms`, or until polling stops: a stop must not wait out a retry (up to 30 s, or Telegram's retry_after). */
const sleep = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal }).catch(() => {})
