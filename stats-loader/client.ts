import { Api, errors } from 'telegram'

/**
 * The seam between the loader and Telegram: send one request, optionally to another DC.
 * Production wraps gramjs's `client.invoke(request, dcId)`; tests answer with real `Api.*`
 * objects and throw the errors gramjs throws.
 */
export interface MtprotoInvoker {
  invoke<R extends Api.AnyRequest>(request: R, dcId?: number): Promise<R['__response']>
}

export interface ResilienceOptions {
  requestTimeoutMs: number
  /** FLOOD_WAITs up to this many seconds are slept through; longer ones postpone the peer. */
  floodSleepMaxSeconds: number
  /** Retries after a 500-class error or a timeout, with exponential backoff from `retryBaseMs`. */
  serverErrorRetries: number
  retryBaseMs: number
  sleep?: (ms: number) => Promise<void>
  onRetry?: (event: RetryEvent) => void
}

export type RetryEvent =
  | { reason: 'flood_wait'; request: string; seconds: number }
  | { reason: 'server_error' | 'timeout'; request: string; attempt: number; delayMs: number; error: string }
  | { reason: 'stats_migrate'; request: string; fromDc: number | undefined; toDc: number }

/** A FLOOD_WAIT longer than the loader sleeps through: the peer waits for the next run. */
export class FloodPostponedError extends Error {
  constructor(
    readonly seconds: number,
    readonly request: string,
  ) {
    super(`FLOOD_WAIT of ${seconds}s on ${request} is longer than the configured maximum sleep`)
  }
}

export class RequestTimeoutError extends Error {
  constructor(
    readonly request: string,
    readonly dcId: number | undefined,
    readonly timeoutMs: number,
  ) {
    super(`${request} got no answer within ${timeoutMs} ms${dcId ? ` (DC ${dcId})` : ''}`)
  }
}

// Each request may be redirected at most this often; a loop of redirects is a server bug.
const MAX_MIGRATIONS = 2
// Flood waits are per request; a request that keeps flooding is given up like a long one.
const MAX_FLOOD_SLEEPS = 3

export interface StatsClient extends MtprotoInvoker {
  /** Like `invoke`, and also tells which DC finally answered (after STATS_MIGRATE_X). */
  invokeOnDc<R extends Api.AnyRequest>(request: R, dcId: number | undefined): Promise<{ result: R['__response']; dcId: number | undefined }>
}

/** Adds a timeout to every request, FLOOD_WAIT sleeps, 5xx backoff and STATS_MIGRATE_X redirects. */
export function createStatsClient(base: MtprotoInvoker, options: ResilienceOptions): StatsClient {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))

  async function invokeOnDc<R extends Api.AnyRequest>(request: R, startDc: number | undefined) {
    const name = request.className
    let dcId = startDc
    let migrations = 0
    let floods = 0
    let failures = 0
    for (;;) {
      try {
        const result = await withTimeout(base.invoke(request, dcId), options.requestTimeoutMs, () => new RequestTimeoutError(name, dcId, options.requestTimeoutMs))
        return { result: result as R['__response'], dcId }
      } catch (error) {
        const migrateTo = statsMigrateDc(error)
        if (migrateTo !== undefined && migrations < MAX_MIGRATIONS) {
          migrations++
          options.onRetry?.({ reason: 'stats_migrate', request: name, fromDc: dcId, toDc: migrateTo })
          dcId = migrateTo
          continue
        }
        const flood = floodWaitSeconds(error)
        if (flood !== undefined) {
          if (flood > options.floodSleepMaxSeconds || floods >= MAX_FLOOD_SLEEPS) throw new FloodPostponedError(flood, name)
          floods++
          options.onRetry?.({ reason: 'flood_wait', request: name, seconds: flood })
          await sleep(flood * 1000)
          continue
        }
        const timeout = error instanceof RequestTimeoutError
        if ((timeout || isServerError(error)) && failures < options.serverErrorRetries) {
          const delayMs = options.retryBaseMs * 2 ** failures
          failures++
          options.onRetry?.({ reason: timeout ? 'timeout' : 'server_error', request: name, attempt: failures, delayMs, error: describeError(error) })
          await sleep(delayMs)
          continue
        }
        throw error
      }
    }
  }

  return {
    invokeOnDc,
    async invoke(request, dcId) {
      return (await invokeOnDc(request, dcId)).result
    },
  }
}

/** gramjs raises FloodWaitError (errorMessage "FLOOD", `seconds`); a raw RPCError may still carry FLOOD_WAIT_X. */
export function floodWaitSeconds(error: unknown): number | undefined {
  if (error instanceof errors.FloodWaitError) return error.seconds
  const match = /^FLOOD_(?:PREMIUM_)?WAIT_(\d+)$/.exec(errorMessage(error) ?? '')
  return match ? Number(match[1]) : undefined
}

export function statsMigrateDc(error: unknown): number | undefined {
  const match = /^STATS_MIGRATE_(\d+)$/.exec(errorMessage(error) ?? '')
  return match ? Number(match[1]) : undefined
}

/** Telegram's 500-class answers: CHP_CALL_FAIL, RPC_CALL_FAIL, Timeout (-503) and friends. */
export function isServerError(error: unknown): boolean {
  if (!(error instanceof errors.RPCError)) return false
  const code = Math.abs(error.code ?? 0)
  return code >= 500 || /^(CHP_CALL_FAIL|RPC_CALL_FAIL|RPC_MCGET_FAIL|Timeout)$/.test(error.errorMessage ?? '')
}

export function errorMessage(error: unknown): string | undefined {
  return error instanceof errors.RPCError ? error.errorMessage : undefined
}

export function describeError(error: unknown): string {
  if (error instanceof errors.RPCError) return `${error.errorMessage ?? 'RPC error'} (${error.code ?? '?'})`
  return error instanceof Error ? error.message : String(error)
}

function withTimeout<T>(promise: Promise<T>, ms: number, makeError: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(makeError()), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
