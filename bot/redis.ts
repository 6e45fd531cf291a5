import { Redis } from 'ioredis'
import type { Logger } from './logger.ts'

/**
 * A Redis client that never holds a command up: no offline queue, one retry, short timeouts.
 * It reconnects in the background; callers fall back to in-process state meanwhile. Each outage
 * is logged once, and so is the recovery. Nothing connects until `connect()` (main.ts).
 */
export function createRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 500, 10_000),
  })
  let down = false
  redis.on('error', (error: Error) => {
    if (down) return
    down = true
    log.warn({ err: error }, 'Redis is unreachable; answers and cooldowns use in-process memory until it is back')
  })
  redis.on('ready', () => {
    if (down) log.info('Redis is back')
    down = false
  })
  return redis
}
