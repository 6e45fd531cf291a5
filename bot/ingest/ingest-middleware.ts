import type { MiddlewareFn } from 'grammy'
import type { BotContext } from '../context.ts'
import type { BatchWriter } from './batch-writer.ts'
import { mapUpdate } from './map-update.ts'

/**
 * Records the update, lets the features answer meanwhile, and returns only once the rows are
 * committed: the update counts as handled (and its offset may be confirmed) after that.
 */
export function ingestMiddleware(writer: BatchWriter, botId: number): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    let committed: Promise<void> | undefined
    try {
      const result = mapUpdate(ctx.update, botId)
      if (result.rows) committed = writer.add(result.rows)
      else ctx.log.debug({ reason: result.skipped }, 'update not stored')
    } catch (error) {
      ctx.log.error({ err: error, update: ctx.update }, 'could not read this update; it is skipped')
    }
    ctx.stored = committed ?? Promise.resolve()
    try {
      await next()
    } finally {
      if (committed) await committed
    }
  }
}
