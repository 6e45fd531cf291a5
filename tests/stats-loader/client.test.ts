import { Api, errors } from 'telegram'
import { returnBigInt } from 'telegram/Helpers.js'
import { describe, expect, it } from 'vitest'
import { createStatsClient, FloodPostponedError, RequestTimeoutError, type MtprotoInvoker, type RetryEvent } from '../../stats-loader/client.ts'

const request = () => new Api.stats.GetBroadcastStats({ channel: new Api.InputChannel({ channelId: returnBigInt(1), accessHash: returnBigInt(2) }) })
const answer = new Api.StatsGraphError({ error: 'stand-in answer' })

/** A base invoker that plays a script of outcomes, one per call, and records the DC of each call. */
function scripted(...steps: ((req: Api.AnyRequest) => unknown)[]) {
  const dcs: (number | undefined)[] = []
  const invoker: MtprotoInvoker = {
    async invoke(req, dcId) {
      dcs.push(dcId)
      const step = steps[dcs.length - 1]
      if (!step) throw new Error('script exhausted')
      return step(req) as never
    },
  }
  return { invoker, dcs }
}

function client(base: MtprotoInvoker, overrides: Partial<Parameters<typeof createStatsClient>[1]> = {}) {
  const sleeps: number[] = []
  const events: RetryEvent[] = []
  const stats = createStatsClient(base, {
    requestTimeoutMs: 1000,
    floodSleepMaxSeconds: 30,
    serverErrorRetries: 3,
    retryBaseMs: 10,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    onRetry: (e) => events.push(e),
    ...overrides,
  })
  return { stats, sleeps, events }
}

describe('createStatsClient', () => {
  it('passes an answer straight through to the requested DC', async () => {
    const { invoker, dcs } = scripted(() => answer)
    const { stats, sleeps } = client(invoker)
    expect(await stats.invokeOnDc(request(), 5)).toEqual({ result: answer, dcId: 5 })
    expect(dcs).toEqual([5])
    expect(sleeps).toEqual([])
  })

  it('follows STATS_MIGRATE_X to DC X and reports it', async () => {
    const { invoker, dcs } = scripted((r) => {
      throw new errors.RPCError('STATS_MIGRATE_3', r, 303)
    }, () => answer)
    const { stats, events } = client(invoker)
    expect(await stats.invokeOnDc(request(), undefined)).toEqual({ result: answer, dcId: 3 })
    expect(dcs).toEqual([undefined, 3])
    expect(events).toEqual([{ reason: 'stats_migrate', request: 'stats.GetBroadcastStats', fromDc: undefined, toDc: 3 }])
  })

  it('stops following a loop of redirects', async () => {
    const migrate = (r: Api.AnyRequest) => {
      throw new errors.RPCError('STATS_MIGRATE_2', r, 303)
    }
    const { invoker, dcs } = scripted(migrate, migrate, migrate, migrate)
    await expect(client(invoker).stats.invoke(request())).rejects.toThrow('STATS_MIGRATE_2')
    expect(dcs).toHaveLength(3)
  })

  it('reads FLOOD_WAIT from gramjs FloodWaitError and from a raw FLOOD_WAIT_X message', async () => {
    const { invoker } = scripted(
      (r) => {
        throw new errors.FloodWaitError({ request: r, capture: 4 })
      },
      (r) => {
        throw new errors.RPCError('FLOOD_WAIT_9', r, 420)
      },
      () => answer,
    )
    const { stats, sleeps } = client(invoker)
    expect(await stats.invoke(request())).toBe(answer)
    expect(sleeps).toEqual([4000, 9000])
  })

  it('postpones instead of sleeping when the wait is above the threshold', async () => {
    const { invoker } = scripted((r) => {
      throw new errors.FloodWaitError({ request: r, capture: 31 })
    })
    const { stats, sleeps } = client(invoker)
    const error = await stats.invoke(request()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FloodPostponedError)
    expect((error as FloodPostponedError).seconds).toBe(31)
    expect(sleeps).toEqual([])
  })

  it('backs off exponentially on 500-class errors, then gives up', async () => {
    const fail = (r: Api.AnyRequest) => {
      throw new errors.RPCError('CHP_CALL_FAIL', r, 500)
    }
    const { invoker, dcs } = scripted(fail, fail, fail, fail, fail)
    const { stats, sleeps } = client(invoker)
    await expect(stats.invoke(request())).rejects.toThrow('CHP_CALL_FAIL')
    expect(sleeps).toEqual([10, 20, 40])
    expect(dcs).toHaveLength(4)
  })

  it('times out a request that never answers', async () => {
    const { invoker } = scripted(() => new Promise(() => {}))
    const { stats } = client(invoker, { requestTimeoutMs: 20, serverErrorRetries: 0 })
    await expect(stats.invoke(request(), 4)).rejects.toBeInstanceOf(RequestTimeoutError)
  })

  it('does not retry a 400-class error', async () => {
    const { invoker, dcs } = scripted((r) => {
      throw new errors.RPCError('CHAT_ADMIN_REQUIRED', r, 400)
    })
    await expect(client(invoker).stats.invoke(request())).rejects.toThrow('CHAT_ADMIN_REQUIRED')
    expect(dcs).toHaveLength(1)
  })
})
