import type { Sql } from 'postgres'
import type { Logger } from '../logger.ts'
import { getChatSettings } from '../../db/queries/chat-stats.ts'
import { prepareRange, recentlyActiveChats } from '../../db/queries/range-memo.ts'
import { parsePeriod, resolvePeriod, type PeriodSpec } from '../periods.ts'

// The periods behind the buttons and the default: their memos are what a first request would build.
const WARM_PERIODS = ['7d', '30d', '90d', '1y', 'all']

/**
 * Builds the memos of the standard periods (and the periods they are compared with) for every
 * chat active in the last 30 days, so the first /stats or /top after local midnight does not
 * pay for them. Memos that are already current cost one query each.
 */
export async function warmRangeMemos(sql: Sql, log: Logger, now: () => Date = () => new Date()): Promise<number> {
  const chats = await recentlyActiveChats(sql)
  let ranges = 0
  for (const chatId of chats) {
    const settings = await getChatSettings(sql, chatId)
    for (const key of WARM_PERIODS) {
      const period = resolvePeriod(parsePeriod(key) as PeriodSpec, { now: now(), timeZone: settings.timeZone, firstDay: settings.firstDay })
      if ('error' in period) continue
      for (const range of [period.range, period.previous]) {
        if (!range) continue
        await prepareRange(sql, chatId, range)
        ranges++
      }
    }
  }
  log.debug({ chats: chats.length, ranges }, 'range memos are warm')
  return ranges
}

/** Runs warmRangeMemos now and then every `everyMs`, one run at a time; errors are logged. */
export function startMemoWarmer(sql: Sql, log: Logger, everyMs = 10 * 60_000): { stop(): void } {
  let running = false
  let stopped = false
  const run = async () => {
    if (running) return
    running = true
    try {
      await warmRangeMemos(sql, log)
    } catch (error) {
      // After a stop the database is closed under it: nothing to say.
      if (!stopped) log.warn({ err: error }, 'could not warm the range memos; commands will build them on demand')
    } finally {
      running = false
    }
  }
  const timer = setInterval(() => void run(), everyMs)
  timer.unref()
  void run()
  return {
    stop: () => {
      stopped = true
      clearInterval(timer)
    },
  }
}
