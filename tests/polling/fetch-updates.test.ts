import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it, vi } from 'vitest'
import pino from 'pino'
import { createSource } from '@grammyjs/runner'
import { GrammyError, type Api } from 'grammy'
import type { Update } from 'grammy/types'
import { createBot } from '../../bot/create-bot.ts'
import { createCommittedFetcher } from '../../bot/polling/fetch-updates.ts'
import { UpdateTracker } from '../../bot/polling/update-tracker.ts'
import { memoryLogger } from '../ingest/support/memory-log.ts'
import { testBotInfo } from '../support/bot-info.ts'

const update = (id: number) => ({ update_id: id, message: { message_id: id } }) as unknown as Update

// A connection that hangs: getUpdates ends only when its signal aborts it.
function hungTelegram() {
  const requests: AbortSignal[] = []
  const api = { getUpdates: (_params: unknown, signal: AbortSignal) => {
    requests.push(signal)
    return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))))
  } } as unknown as Api
  return { api, requests }
}

// Telegram's offset rule in a few lines: getUpdates(offset) forgets every id below offset.
function telegram(ids: number[], onRequest?: (offset: number) => void) {
  let queue = ids.map(update)
  const offsets: number[] = []
  const api = {
    async getUpdates({ offset }: { offset: number }) {
      offsets.push(offset)
      if (offset > 0) queue = queue.filter((u) => u.update_id >= offset)
      onRequest?.(offset)
      await new Promise((r) => setTimeout(r, 5))
      return queue.slice(0, 100)
    },
  } as unknown as Api
  return { api, offsets }
}

describe('the committed-offset fetcher', () => {
  it('confirms an update only after it is finished', async () => {
    const tracker = new UpdateTracker()
    const { api, offsets } = telegram([1, 2, 3])
    const fetcher = createCommittedFetcher(api, tracker, { timeoutSeconds: 0, log: pino({ level: 'silent' }) })
    const controller = new AbortController()
    const signal = controller.signal
    expect((await fetcher.supply(100, signal)).map((u) => u.update_id)).toEqual([1, 2, 3])
    tracker.finish(2)
    const next = fetcher.supply(100, signal)
    await new Promise((r) => setTimeout(r, 30))
    // 1 is not finished, so nothing may be confirmed yet: every request still starts at 0.
    expect(offsets.every((o) => o === 0)).toBe(true)
    tracker.finish(1)
    tracker.finish(3)
    setTimeout(() => controller.abort(), 50)
    await Promise.race([next, new Promise((r) => setTimeout(r, 100))])
    expect(offsets.at(-1)).toBe(4)
  })

  it('does not wait forever when the last update in flight finishes while a request is out', async () => {
    const tracker = new UpdateTracker()
    let finishDuringRequest = false
    const { api, offsets } = telegram([7], () => {
      if (finishDuringRequest) tracker.finish(7)
    })
    const fetcher = createCommittedFetcher(api, tracker, { timeoutSeconds: 0, log: pino({ level: 'silent' }) })
    const controller = new AbortController()
    expect((await fetcher.supply(100, controller.signal)).map((u) => u.update_id)).toEqual([7])
    finishDuringRequest = true
    const next = fetcher.supply(100, controller.signal)
    await new Promise((r) => setTimeout(r, 60))
    // The answer still held 7 (sent before the offset moved), yet the fetcher asked again with offset 8.
    expect(offsets).toContain(8)
    controller.abort()
    expect(await next).toEqual([])
  })

  it('asks again only once half of an answer is room for new updates, so new updates come many at a time, not a few', async () => {
    const tracker = new UpdateTracker()
    const ids = Array.from({ length: 300 }, (_, i) => i + 1)
    const { api, offsets } = telegram(ids)
    const fetcher = createCommittedFetcher(api, tracker, { timeoutSeconds: 0, log: pino({ level: 'silent' }) })
    const signal = new AbortController().signal
    expect((await fetcher.supply(100, signal)).map((u) => u.update_id)).toEqual(ids.slice(0, 100))
    const next = fetcher.supply(100, signal)
    // 10 done: the next answer would hold 90 in flight and 10 new ones, so nothing is asked yet.
    for (let id = 1; id <= 10; id++) tracker.finish(id)
    await new Promise((r) => setTimeout(r, 30))
    expect(offsets).toEqual([0])
    for (let id = 11; id <= 60; id++) tracker.finish(id)
    // 40 in flight: they come back with 60 new ones.
    expect((await next).map((u) => u.update_id)).toEqual(ids.slice(100, 160))
    expect(offsets).toEqual([0, 61])
  })

  it('carries on when Telegram numbers updates anew, lower than before (after a week without any), instead of asking for them for ever', async () => {
    // As Telegram does it (go-telegram-bot-api/telegram-bot-api#156): asked for offset 8, it sends
    // update 3 of its new numbering; an offset past the new numbering confirms nothing of it.
    const tracker = new UpdateTracker(7)
    const offsets: number[] = []
    let queue = [update(3), update(4)]
    const api = {
      async getUpdates({ offset }: { offset: number }) {
        offsets.push(offset)
        if (offset > 0 && offset <= 5) queue = queue.filter((u) => u.update_id >= offset)
        await new Promise((r) => setTimeout(r, 2))
        return queue
      },
    } as unknown as Api
    const { log, lines } = memoryLogger('debug')
    const fetcher = createCommittedFetcher(api, tracker, { timeoutSeconds: 0, log })
    const controller = new AbortController()
    const stuck = new Promise<'stuck'>((r) => setTimeout(() => r('stuck'), 3000))
    const first = await Promise.race([fetcher.supply(100, controller.signal), stuck])
    controller.abort()
    expect(first === 'stuck' ? first : first.map((u) => u.update_id)).toEqual([3, 4])
    expect(offsets).toEqual([8])
    expect(lines.filter((l) => l.level === 40)).toMatchObject([{ before: 7, now: 3 }])
    tracker.finish(3)
    tracker.finish(4)
    expect(tracker.nextOffset).toBe(5)
    const again = new AbortController()
    const next = fetcher.supply(100, again.signal)
    await new Promise((r) => setTimeout(r, 30))
    again.abort()
    expect(await next).toEqual([])
    expect(queue).toEqual([])
    expect(offsets.slice(1).every((o) => o === 5)).toBe(true)
  })

  it('while the new numbering cannot be stored, hands none of it out and retries with a growing wait', async () => {
    const tracker = new UpdateTracker(7)
    const api = { getUpdates: async () => [update(3)] } as unknown as Api
    const { log, lines } = memoryLogger('debug')
    const fetcher = createCommittedFetcher(api, tracker, {
      timeoutSeconds: 0, log, onRenumber: async () => { throw new Error('bot_state is not writable') },
    })
    const controller = new AbortController()
    const supplied = fetcher.supply(100, controller.signal)
    const failed = () => lines.filter((l) => l.msg === 'could not store the new numbering of updates; retrying')
    while (failed().length < 3) await new Promise((r) => setTimeout(r, 20))
    controller.abort()
    expect(await supplied).toEqual([])
    expect(failed().slice(0, 3).map((l) => l.retryInMs)).toEqual([200, 400, 800])
    expect(tracker.highestFetched).toBe(7)
  })

  it('a stop during a long retry wait (Telegram asks for an hour) ends it at once: a shutdown must not wait it out', async () => {
    const { log, lines } = memoryLogger('debug')
    let calls = 0
    const api = { getUpdates: async () => {
      calls++
      throw new GrammyError('Too Many Requests', { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3600', parameters: { retry_after: 3600 } }, 'getUpdates', {})
    } } as unknown as Api
    const fetcher = createCommittedFetcher(api, new UpdateTracker(), { timeoutSeconds: 0, log })
    const controller = new AbortController()
    const supplied = fetcher.supply(100, controller.signal)
    while (!lines.some((l) => l.msg === 'getUpdates is rate limited; waiting')) await new Promise((r) => setTimeout(r, 5))
    controller.abort()
    // Waited out, this would take the hour (far past the test's time limit).
    expect(await supplied).toEqual([])
    expect(calls).toBe(1)
  })

  it('a getUpdates that never answers is given up 30 s past its long-poll timeout, logged and asked again at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    try {
      const { log, lines } = memoryLogger('debug')
      const { api, requests } = hungTelegram()
      const fetcher = createCommittedFetcher(api, new UpdateTracker(), { timeoutSeconds: 30, log })
      const controller = new AbortController()
      const set = vi.spyOn(globalThis, 'setTimeout')
      const clear = vi.spyOn(globalThis, 'clearTimeout')
      const supplied = fetcher.supply(100, controller.signal)
      await vi.advanceTimersByTimeAsync(59_999)
      expect(requests.length).toBe(1)
      await vi.advanceTimersByTimeAsync(1)
      expect(requests.length).toBe(2)
      expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(['getUpdates got no answer in 60 s; asking again'])
      // What HEALTH_FILE goes by: no answer for a minute.
      expect(fetcher.silentForMs()).toBeGreaterThanOrEqual(60_000)
      controller.abort()
      expect(await supplied).toEqual([])
      // Each request's timer is cleared: none is left to keep the process alive after a stop.
      const answerTimers = set.mock.results.filter((_, i) => set.mock.calls[i]![1] === 60_000).map((r) => r.value)
      expect(answerTimers.length).toBe(2)
      expect(clear.mock.calls.map(([handle]) => handle)).toEqual(expect.arrayContaining(answerTimers))
    } finally {
      vi.restoreAllMocks()
      vi.useRealTimers()
    }
  })

  it('counts the silence HEALTH_FILE goes by from the last answer, not from the start', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const fetcher = createCommittedFetcher(telegram([1]).api, new UpdateTracker(), { timeoutSeconds: 0, log: pino({ level: 'silent' }) })
      vi.setSystemTime(Date.now() + 100_000)
      expect(fetcher.silentForMs()).toBeGreaterThanOrEqual(100_000)
      expect((await fetcher.supply(100, new AbortController().signal)).map((u) => u.update_id)).toEqual([1])
      expect(fetcher.silentForMs()).toBeLessThan(1000)
    } finally {
      vi.useRealTimers()
    }
  })

  it("a stop through the runner's own signal (the abort-controller polyfill) ends a getUpdates that never answers at once", async () => {
    const { api, requests } = hungTelegram()
    const fetcher = createCommittedFetcher(api, new UpdateTracker(), { timeoutSeconds: 30, log: pino({ level: 'silent' }) })
    const source = createSource<Update>({ supply: (size, signal) => fetcher.supply(size, signal as AbortSignal) })
    const next = source.generator().next()
    while (requests.length === 0) await new Promise((r) => setTimeout(r, 5))
    source.close()
    const stuck = new Promise<'stuck'>((r) => setTimeout(() => r('stuck'), 2000))
    expect(await Promise.race([next.then((r) => r.value), stuck])).toEqual([])
    expect(requests[0]!.aborted).toBe(true)
  })

  it("through the bot's own API client a 5xx from getUpdates is logged at once and retried, not retried in silence for ~45 s", async () => {
    const { log, lines } = memoryLogger('debug')
    let requests = 0
    const server = createServer((_req, res) => {
      requests++
      res.writeHead(502, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ok: false, error_code: 502, description: 'Bad Gateway' }))
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const bot = createBot({
        token: '123456:badgateway', apiRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        botInfo: testBotInfo({ id: 123456, username: 'badgateway_bot' }), sql: {} as never, writer: {} as never, log, warnWithoutAdmin: false,
      })
      const fetcher = createCommittedFetcher(bot.api, new UpdateTracker(), { timeoutSeconds: 0, log })
      const controller = new AbortController()
      const supplied = fetcher.supply(100, controller.signal)
      const refused = () => lines.filter((l) => l.msg === 'Telegram refused getUpdates; retrying')
      // auto-retry would wait 3 s before asking again, and say nothing.
      const until = Date.now() + 2000
      while (refused().length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
      controller.abort()
      expect(await supplied).toEqual([])
      expect(requests).toBe(1)
      expect(refused()).toMatchObject([{ level: 40, retryInMs: 3000 }])
    } finally {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    }
  })

  it("through the bot's own API client an unreachable Bot API is logged and retried, not waited for in silence", async () => {
    const { log, lines } = memoryLogger('debug')
    // Nothing listens on port 9. The bot's API client must hand network errors back (to be
    // logged and retried here) instead of retrying them itself, silently, with waits up to an hour.
    const bot = createBot({
      token: '123456:unreachable', apiRoot: 'http://127.0.0.1:9', botInfo: testBotInfo({ id: 123456, username: 'unreachable_bot' }),
      sql: {} as never, writer: {} as never, log, warnWithoutAdmin: false,
    })
    const fetcher = createCommittedFetcher(bot.api, new UpdateTracker(), { timeoutSeconds: 0, log })
    const controller = new AbortController()
    const supplied = fetcher.supply(100, controller.signal)
    const logged = () => lines.filter((l) => l.msg === 'cannot reach the Bot API; retrying').length
    const until = Date.now() + 10_000
    while (logged() < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
    controller.abort()
    expect(logged()).toBeGreaterThanOrEqual(3)
    expect(await supplied).toEqual([])
  })
})
