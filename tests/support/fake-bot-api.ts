import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Update, UserFromGetMe } from 'grammy/types'
import { defaultAnswers, type DefaultsState } from './fake-bot-api-defaults.ts'
import { BotApiError, badRequest, type BotApiErrorInit } from './fake-bot-api-error.ts'
import { parseParams, type UploadedFile } from './fake-bot-api-params.ts'
import { UpdateQueue, type GetUpdatesParams, type UpdateInput } from './fake-bot-api-updates.ts'

export { BotApiError, type BotApiErrorInit } from './fake-bot-api-error.ts'
export type { UploadedFile } from './fake-bot-api-params.ts'
export type { UpdateInput } from './fake-bot-api-updates.ts'

export interface RecordedCall {
  method: string
  params: Record<string, unknown>
  files: Record<string, UploadedFile>
  at: number
}

export type MethodHandler = (params: Record<string, unknown>, call: RecordedCall) => unknown

export interface FakeBotApiOptions {
  token?: string
  botUser?: Partial<UserFromGetMe>
  /** update_id given to the first pushed update that has none; default 1000. */
  firstUpdateId?: number
}

export const DEFAULT_TOKEN = '123456789:AAFakeBotApiTokenForTestsOnly'

/** Starts a Bot API look-alike on 127.0.0.1 with a free port. */
export async function startFakeBotApi(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
  const api = new FakeBotApi(options)
  await api.listen()
  return api
}

export class FakeBotApi {
  readonly token: string
  readonly calls: RecordedCall[] = []
  readonly botUser: UserFromGetMe
  private readonly queue: UpdateQueue
  private readonly server: Server
  private readonly handlers = new Map<string, MethodHandler>()
  private readonly failures = new Map<string, { error: BotApiError; times: number }[]>()
  private webhookUrl = ''
  private port = 0
  private closing: Promise<void> | undefined
  private readonly defaultsState: DefaultsState
  private lastMessageId = 0
  private lastFileId = 0

  constructor(options: FakeBotApiOptions = {}) {
    this.token = options.token ?? DEFAULT_TOKEN
    const botId = Number(this.token.split(':')[0]) || 123456789
    this.botUser = {
      id: botId,
      is_bot: true,
      first_name: 'Fake Bot',
      username: 'fake_test_bot',
      can_join_groups: true,
      can_read_all_group_messages: true,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      ...options.botUser,
    } as UserFromGetMe
    this.defaultsState = {
      botUser: this.botUser,
      nextMessageId: () => ++this.lastMessageId,
      nextFileId: () => `fake-file-${++this.lastFileId}`,
    }
    this.queue = new UpdateQueue(options.firstUpdateId ?? 1000)
    this.server = createServer((req, res) => void this.serve(req, res))
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get confirmedOffset(): number {
    return this.queue.confirmedOffset
  }

  get getUpdatesCalls(): number {
    return this.queue.getUpdatesCalls
  }

  /** The allowed_updates setting in force (last one a client sent); undefined if none was ever sent. */
  get allowedUpdates(): readonly string[] | undefined {
    return this.queue.allowedUpdates
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(0, '127.0.0.1', () => resolve())
    })
    this.port = (this.server.address() as AddressInfo).port
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.queue.close()
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
    return this.closing
  }

  pushUpdate(update: UpdateInput): number {
    return this.queue.push([update])[0] as number
  }

  pushUpdates(updates: readonly UpdateInput[]): number[] {
    return this.queue.push(updates)
  }

  /** See UpdateQueue.renumber. */
  renumber(firstId: number): void {
    this.queue.renumber(firstId)
  }

  /** Updates not yet confirmed by a getUpdates offset, ascending by update_id. */
  pending(): Update[] {
    return this.queue.pending()
  }

  callsTo(method: string): RecordedCall[] {
    const wanted = method.toLowerCase()
    return this.calls.filter((call) => call.method.toLowerCase() === wanted)
  }

  /** Answers `method` with the handler's return value; a thrown BotApiError becomes `{ ok: false }`. */
  on(method: string, handler: MethodHandler): this {
    if (method.toLowerCase() === 'getupdates') throw new Error('getUpdates is built in; push updates instead')
    this.handlers.set(method.toLowerCase(), handler)
    return this
  }

  /** The next `times` calls to `method` fail with `error`, before any handler runs. */
  failNext(method: string, error: BotApiError | BotApiErrorInit, times = 1): this {
    const queued = this.failures.get(method.toLowerCase()) ?? []
    queued.push({ error: error instanceof BotApiError ? error : new BotApiError(error), times })
    this.failures.set(method.toLowerCase(), queued)
    return this
  }

  /** Resolves once `predicate()` is true; rejects naming `what` after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    if (!(await poll(predicate, timeoutMs))) throw new Error(`waitFor: ${what} not met within ${timeoutMs}ms`)
  }

  /** Resolves with the first recorded call (past or future) to `method` that satisfies `predicate`. */
  async waitForCall(
    method: string,
    predicate?: (call: RecordedCall) => boolean,
    timeoutMs = 5000,
  ): Promise<RecordedCall> {
    const find = () => this.callsTo(method).find((call) => predicate?.(call) ?? true)
    if (!(await poll(() => find() !== undefined, timeoutMs))) {
      const matching = predicate ? ' matching the predicate' : ''
      throw new Error(`waitForCall: no ${method} call${matching} within ${timeoutMs}ms; calls so far: ${this.summary()}`)
    }
    return find() as RecordedCall
  }

  private summary(): string {
    const counts = new Map<string, number>()
    for (const call of this.calls) counts.set(call.method, (counts.get(call.method) ?? 0) + 1)
    return [...counts].map(([method, n]) => `${method}×${n}`).join(', ') || 'none'
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hangUp = new AbortController()
    res.on('close', () => res.writableFinished || hangUp.abort())
    try {
      const url = new URL(req.url ?? '/', this.apiRoot)
      const route = /^\/bot([^/]*)\/([A-Za-z]+)$/.exec(url.pathname)
      if (!route) throw new BotApiError({ error_code: 404, description: 'Not Found' })
      if (route[1] !== this.token) throw new BotApiError({ error_code: 401, description: 'Unauthorized' })
      const parsed = parseParams(url.searchParams, req.headers['content-type'], await readBody(req))
      const call: RecordedCall = { method: route[2] as string, ...parsed, at: Date.now() }
      this.calls.push(call)
      reply(res, 200, { ok: true, result: await this.answer(call, hangUp.signal) })
    } catch (error) {
      const failure = error instanceof BotApiError
        ? error
        : new BotApiError({ error_code: 500, description: `Internal Server Error: ${String(error)}` })
      reply(res, failure.error_code, failure.toBody())
    }
  }

  private async answer(call: RecordedCall, signal: AbortSignal): Promise<unknown> {
    const method = call.method.toLowerCase()
    const failure = this.failures.get(method)?.[0]
    if (failure) {
      if (--failure.times <= 0) this.failures.get(method)?.shift()
      throw failure.error
    }
    const handler = this.handlers.get(method)
    if (handler) return await handler(call.params, call)
    switch (method) {
      case 'getupdates':
        if (this.webhookUrl) {
          throw new BotApiError({
            error_code: 409,
            description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
          })
        }
        return await this.queue.getUpdates(getUpdatesParams(call.params), signal)
      case 'setwebhook':
      case 'deletewebhook':
        if (call.params.drop_pending_updates === true) this.queue.dropPending()
        this.webhookUrl = method === 'setwebhook' ? String(call.params.url ?? '') : ''
        return true
      case 'getwebhookinfo':
        return { url: this.webhookUrl, has_custom_certificate: false, pending_update_count: this.pending().length }
    }
    const fallback = defaultAnswers.get(method)
    if (!fallback) throw new BotApiError({ error_code: 404, description: 'Not Found: method not found' })
    return fallback(call, this.defaultsState)
  }
}

function poll(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const check = () => {
      try {
        if (predicate()) return resolve(true)
      } catch (error) {
        return reject(error)
      }
      if (Date.now() >= deadline) return resolve(false)
      setTimeout(check, 5)
    }
    check()
  })
}

function getUpdatesParams(params: Record<string, unknown>): GetUpdatesParams {
  const allowed = params.allowed_updates
  if (allowed !== undefined && !(Array.isArray(allowed) && allowed.every((t) => typeof t === 'string'))) {
    throw badRequest("can't parse allowed_updates JSON array")
  }
  return {
    offset: integer(params, 'offset'),
    limit: integer(params, 'limit'),
    timeout: integer(params, 'timeout'),
    allowed_updates: allowed as string[] | undefined,
  }
}

function integer(params: Record<string, unknown>, key: string): number | undefined {
  const value = params[key]
  if (value === undefined) return undefined
  const number = typeof value === 'string' ? Number(value) : value
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw badRequest(`${key} must be an integer`)
  return number
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return
  const json = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) })
  res.end(json)
}
