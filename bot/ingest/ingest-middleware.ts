import type { MiddlewareFn } from 'grammy'
import type { BotContext } from '../context.ts'
import type { BatchWriter } from './batch-writer.ts'

/**
 * Records the update, lets the features answer meanwhile, and returns only once the rows are
 * committed: the update counts as handled (and its offset may be confirmed) after that.
 */
export function ingestMiddleware(writer: BatchWriter): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    ctx.stored = writer.record(ctx.update)
    try {
      await next()
    } finally {
      await ctx.stored
    }
  }
}
