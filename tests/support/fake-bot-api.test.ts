import { randomBytes } from 'node:crypto'
import { Api, Bot, GrammyError, InputFile } from 'grammy'
import type { Update } from 'grammy/types'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BotApiError, startFakeBotApi, type FakeBotApi, type UpdateInput } from './fake-bot-api.ts'

const GROUP = { id: -1001234567890, type: 'supergroup' as const, title: 'Test group' }
const ALICE = { id: 42, is_bot: false, first_name: 'Alice' }
const DATE = 1_700_000_000

const message = (text: string): UpdateInput => ({
  message: { message_id: text.length, date: DATE, chat: GROUP, from: ALICE, text },
})
const edited = (text: string): UpdateInput => ({
  edited_message: { message_id: 1, date: DATE, edit_date: DATE + 1, chat: GROUP, from: ALICE, text },
})
const reaction = (): UpdateInput => ({
  message_reaction: { chat: GROUP, message_id: 1, date: DATE, user: ALICE, old_reaction: [], new_reaction: [] },
})
const chatMember = (): UpdateInput => ({
  chat_member: {
    chat: GROUP,
    from: ALICE,
    date: DATE,
    old_chat_member: { status: 'left', user: ALICE },
    new_chat_member: { status: 'member', user: ALICE },
  },
})

const ids = (updates: Update[]) => updates.map((u) => u.update_id)
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i)

let server: FakeBotApi
let api: Api

beforeEach(async () => {
  server = await startFakeBotApi()
  api = new Api(server.token, { apiRoot: server.apiRoot })
})
afterEach(() => server.close())

async function raw(method: string, init: RequestInit & { query?: string } = {}) {
  const res = await fetch(`${server.apiRoot}/bot${server.token}/${method}${init.query ?? ''}`, { method: 'POST', ...init })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const postJson = (method: string, params: object) =>
  raw(method, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) })

describe('getUpdates offsets', () => {
  it('assigns increasing ids from 1000 and returns unconfirmed updates in ascending order', async () => {
    expect(server.pushUpdates([message('a'), message('b')])).toEqual([1000, 1001])
    expect(server.pushUpdate({ ...message('c'), update_id: 1005 })).toBe(1005)
    expect(server.pushUpdate(message('d'))).toBe(1006)
    expect(server.pushUpdate({ ...message('early'), update_id: 1003 })).toBe(1003)

    const updates = await api.getUpdates()
    expect(ids(updates)).toEqual([1000, 1001, 1003, 1005, 1006])
    expect(updates.map((u) => u.message?.text)).toEqual(['a', 'b', 'early', 'c', 'd'])
    // Returning updates does not confirm them.
    expect(ids(await api.getUpdates())).toEqual([1000, 1001, 1003, 1005, 1006])
  })

  it('confirms and forgets forever every update below the offset', async () => {
    const pushed = server.pushUpdates(['a', 'b', 'c', 'd', 'e'].map(message))
    const offset = pushed[2] as number
    const expected = pushed.filter((id) => id >= offset)

    expect(ids(await api.getUpdates({ offset }))).toEqual(expected)
    expect(server.confirmedOffset).toBe(offset)
    expect(ids(server.pending())).toEqual(expected)
    // A lower offset cannot bring confirmed updates back.
    expect(ids(await api.getUpdates({ offset: 0 }))).toEqual(expected)
    expect(ids(await api.getUpdates())).toEqual(expected)
    expect(() => server.pushUpdate({ ...message('late'), update_id: offset - 1 })).toThrow(/below the confirmed offset/)

    const pastEnd = (pushed.at(-1) as number) + 1
    expect(await api.getUpdates({ offset: pastEnd })).toEqual([])
    expect(server.pending()).toEqual([])
    expect(server.confirmedOffset).toBe(pastEnd)
  })

  it('numbers updates anew on request, lower than before, and an offset past the new numbering confirms none of it', async () => {
    const pushed = server.pushUpdates(['a', 'b'].map(message))
    await api.getUpdates({ offset: (pushed.at(-1) as number) + 1 })
    server.renumber(10)
    const [id] = server.pushUpdates([message('c')])
    expect(id).toBe(10)
    expect(ids(await api.getUpdates({ offset: (pushed.at(-1) as number) + 1 }))).toEqual([10])
    expect(ids(server.pending())).toEqual([10])
    expect(await api.getUpdates({ offset: 11 })).toEqual([])
    expect(server.pending()).toEqual([])
  })

  it('with a negative offset returns the last updates and forgets the earlier ones', async () => {
    const pushed = server.pushUpdates(['a', 'b', 'c', 'd', 'e'].map(message))
    expect(ids(await api.getUpdates({ offset: -2 }))).toEqual(pushed.slice(-2))
    expect(ids(server.pending())).toEqual(pushed.slice(-2))
  })

  it('honours limit, capped at 100', async () => {
    const pushed = server.pushUpdates(range(0, 120).map((i) => message(`m${i}`)))
    expect(ids(await api.getUpdates({ limit: 3 }))).toEqual(pushed.slice(0, 3))
    expect(ids(await api.getUpdates({ offset: pushed[3], limit: 3 }))).toEqual(pushed.slice(3, 6))
    expect(ids(await api.getUpdates({ offset: pushed[6] }))).toEqual(pushed.slice(6, 106))
    expect(ids(await api.getUpdates({ offset: pushed[6], limit: 500 }))).toEqual(pushed.slice(6, 106))
  })

  it('accepts offset and limit as a query string and as a urlencoded body', async () => {
    const pushed = server.pushUpdates(['a', 'b', 'c', 'd'].map(message))
    const fromQuery = await raw('getUpdates', { query: `?offset=${pushed[1]}&limit=2` })
    expect(ids(fromQuery.body.result as Update[])).toEqual(pushed.slice(1, 3))
    const fromForm = await raw('getUpdates', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ offset: String(pushed[2]) }).toString(),
    })
    expect(ids(fromForm.body.result as Update[])).toEqual(pushed.slice(2))
  })

  it('deleteWebhook with drop_pending_updates confirms everything; an active webhook blocks getUpdates', async () => {
    server.pushUpdates([message('a'), message('b')])
    await api.deleteWebhook({ drop_pending_updates: true })
    expect(server.pending()).toEqual([])
    await api.setWebhook('https://example.com/hook')
    await expect(api.getUpdates()).rejects.toMatchObject({ error_code: 409 })
    expect((await api.getWebhookInfo()).url).toBe('https://example.com/hook')
  })
})

describe('getUpdates long polling', () => {
  it('wakes a waiting poll as soon as an update is pushed', async () => {
    const poll = api.getUpdates({ timeout: 30 })
    await server.waitForCall('getUpdates')
    const id = server.pushUpdate(message('wake'))
    const outcome = await Promise.race([poll, new Promise((r) => setTimeout(() => r('still waiting'), 5000))])
    expect(ids(outcome as Update[])).toEqual([id])
  })

  it('answers [] when the timeout elapses with nothing pending', async () => {
    expect(await api.getUpdates({ timeout: 1 })).toEqual([])
    expect(server.getUpdatesCalls).toBe(1)
  })

  it('ends an older pending poll with 409 when a newer getUpdates arrives', async () => {
    const older = api.getUpdates({ timeout: 30 })
    await server.waitForCall('getUpdates')
    const newer = api.getUpdates({ timeout: 30 })
    const error = await older.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GrammyError)
    expect((error as GrammyError).error_code).toBe(409)
    expect((error as GrammyError).description).toMatch(/^Conflict: terminated by other getUpdates request/)
    // The newer poll is still waiting, and gets the next update.
    expect(server.getUpdatesCalls).toBe(2)
    const id = server.pushUpdate(message('x'))
    expect(ids(await newer)).toEqual([id])
  })

  it('close() ends pending long polls so the process can exit', async () => {
    const poll = raw('getUpdates', { query: '?timeout=30' }).catch(() => 'socket closed')
    await server.waitForCall('getUpdates')
    await server.close()
    expect(await poll).toBeDefined()
  })
})

describe('a real grammY bot polling', () => {
  it('receives every pushed update once and confirms them when it stops', async () => {
    const bot = new Bot(server.token, { client: { apiRoot: server.apiRoot } })
    const seen: number[] = []
    bot.on('message', (ctx) => void seen.push(ctx.update.update_id))
    const running = bot.start({ drop_pending_updates: false })
    const first = server.pushUpdates([message('a'), message('b')])
    await server.waitFor(() => seen.length === 2, 5000, 'first two updates handled')
    const second = server.pushUpdates([message('c'), edited('not a message'), message('d')])
    await server.waitFor(() => seen.length === 4, 5000, 'last two messages handled')
    await bot.stop()
    await running

    const all = [...first, ...second]
    expect(seen).toEqual(all.filter((id) => id !== second[1]))
    expect(server.pending()).toEqual([])
    expect(server.confirmedOffset).toBe(Math.max(...all) + 1)
    expect(server.callsTo('getMe')).toHaveLength(1)
  })
})

describe('getUpdates allowed_updates', () => {
  it('filters by type, keeps the setting when omitted, and [] means all but the opt-in types', async () => {
    const pushed = server.pushUpdates([message('a'), chatMember(), reaction(), edited('b')])
    const [msg, member, react, edit] = pushed
    expect(ids(await api.getUpdates())).toEqual([msg, edit])
    expect(server.allowedUpdates).toBeUndefined()

    expect(ids(await api.getUpdates({ allowed_updates: ['chat_member', 'message_reaction'] }))).toEqual([member, react])
    expect(server.allowedUpdates).toEqual(['chat_member', 'message_reaction'])
    expect(ids(await api.getUpdates())).toEqual([member, react])

    expect(ids(await api.getUpdates({ allowed_updates: [] }))).toEqual([msg, edit])
    const fromQuery = await raw('getUpdates', { query: `?allowed_updates=${encodeURIComponent('["message_reaction"]')}` })
    expect(ids(fromQuery.body.result as Update[])).toEqual([react])
  })

  it('does not wake a long poll for an update type it did not ask for', async () => {
    const poll = api.getUpdates({ timeout: 30, allowed_updates: ['message'] })
    await server.waitForCall('getUpdates')
    server.pushUpdate(chatMember())
    const wanted = server.pushUpdate(message('hello'))
    expect(ids(await poll)).toEqual([wanted])
  })
})

describe('other methods', () => {
  it('records a multipart sendPhoto with the exact file bytes and decoded fields', async () => {
    const bytes = Buffer.concat([randomBytes(4096), Buffer.from('\r\n--boundary-lookalike\r\n'), randomBytes(100)])
    const keyboard = { inline_keyboard: [[{ text: 'More', callback_data: 'more' }]] }
    const sent = await api.sendPhoto(GROUP.id, new InputFile(bytes, 'chart.png'), { caption: '42', reply_markup: keyboard })

    const call = await server.waitForCall('sendPhoto')
    expect(call.files.photo?.filename).toBe('chart.png')
    expect(Buffer.compare(call.files.photo?.bytes ?? Buffer.alloc(0), bytes)).toBe(0)
    expect(call.params).toMatchObject({ chat_id: GROUP.id, caption: '42', reply_markup: keyboard })
    expect(sent.chat.id).toBe(GROUP.id)
    expect(sent.caption).toBe('42')
    expect(sent.photo?.[0]?.file_size).toBe(bytes.length)
  })

  it('parses standard FormData uploads too', async () => {
    const bytes = randomBytes(777)
    const form = new FormData()
    form.set('chat_id', String(ALICE.id))
    form.set('document', new Blob([bytes]), 'report.csv')
    const { status } = await raw('sendDocument', { body: form })
    expect(status).toBe(404) // no default answer, but the call is recorded
    const [call] = server.callsTo('sendDocument')
    expect(call?.params.chat_id).toBe(ALICE.id)
    expect(call?.files.document?.filename).toBe('report.csv')
    expect(Buffer.compare(call?.files.document?.bytes ?? Buffer.alloc(0), bytes)).toBe(0)
  })

  it('answers sendMessage with increasing message ids and echoes the text', async () => {
    const texts = ['one', 'two', 'three']
    const sent = []
    for (const text of texts) sent.push(await api.sendMessage(GROUP.id, text))
    expect(sent.map((m) => m.text)).toEqual(texts)
    expect(sent.map((m) => m.message_id)).toEqual([1, 2, 3])
    expect(sent.every((m) => m.chat.id === GROUP.id && m.chat.type === 'supergroup')).toBe(true)
    const edit = await api.editMessageText(GROUP.id, 2, 'two, edited')
    expect(edit).toMatchObject({ message_id: 2, text: 'two, edited' })
    expect(server.callsTo('sendMessage').map((c) => c.params.text)).toEqual(texts)
  })

  it('failNext fails the next calls, then the method answers normally again', async () => {
    const tooMany = { error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } }
    server.failNext('sendMessage', tooMany, 2)
    for (let i = 0; i < 2; i++) {
      await expect(api.sendMessage(GROUP.id, 'hi')).rejects.toMatchObject({ error_code: 429, parameters: { retry_after: 3 } })
    }
    expect((await api.sendMessage(GROUP.id, 'hi')).text).toBe('hi')
  })

  it('a failed getUpdates confirms nothing', async () => {
    const pushed = server.pushUpdates([message('a'), message('b')])
    server.failNext('getUpdates', { error_code: 500, description: 'Internal Server Error' })
    await expect(api.getUpdates({ offset: (pushed[1] as number) + 1 })).rejects.toMatchObject({ error_code: 500 })
    expect(ids(server.pending())).toEqual(pushed)
  })

  it('on() overrides answers, and a thrown BotApiError becomes { ok: false }', async () => {
    server.on('getChatMember', (params) => ({ status: 'administrator', user: { id: params.user_id, is_bot: false, first_name: 'Bo' } }))
    expect((await api.getChatMember(GROUP.id, 7)).status).toBe('administrator')
    server.on('sendMessage', () => {
      throw new BotApiError({ error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' })
    })
    const { status, body } = await postJson('sendMessage', { chat_id: GROUP.id, text: 'x' })
    expect(status).toBe(403)
    expect(body).toEqual({ ok: false, error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' })
  })

  it('has sensible defaults for getMe and getChatMember', async () => {
    expect(await api.getMe()).toMatchObject({ id: Number(server.token.split(':')[0]), is_bot: true })
    expect(await api.getChatMember(GROUP.id, ALICE.id)).toMatchObject({ status: 'member', user: { id: ALICE.id } })
  })

  it('answers 401 to a wrong token and 404 to an unknown method', async () => {
    const stranger = new Api('111:not-the-token', { apiRoot: server.apiRoot })
    await expect(stranger.getMe()).rejects.toMatchObject({ error_code: 401, description: 'Unauthorized' })
    expect(server.calls).toEqual([])
    const { status, body } = await raw('noSuchMethod')
    expect(status).toBe(404)
    expect(body).toEqual({ ok: false, error_code: 404, description: 'Not Found: method not found' })
  })

  it('waitForCall rejects with a clear message on timeout', async () => {
    await api.getMe()
    await expect(server.waitForCall('sendMessage', undefined, 50)).rejects.toThrow(
      'waitForCall: no sendMessage call within 50ms; calls so far: getMe×1',
    )
  })
})
