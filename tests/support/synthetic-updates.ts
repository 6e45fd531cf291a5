import type { Update } from 'grammy/types'

/** Deterministic pseudo-random numbers, so a failing run can be repeated. */
export function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface Expected {
  messages: number
  edits: number
  reactionEvents: number
  memberEvents: number
  /** Per "chat:message" key, how many distinct edits were sent. */
  editsPerMessage: Map<string, number>
}

export interface GeneratorOptions {
  chats: number
  users: number
  seed?: number
  startDate?: number
}

const NAMES = ['Анна', 'محمد', '李雷', 'Zoë 🦊', 'José', 'דנה', 'राहुल', 'Ω\u200dx', 'Bob']
const EMOJI = ['👍', '❤', '🔥', '🎉', '😁']

/**
 * Realistic group traffic: messages of several kinds, edits, reactions, joins and leaves, in
 * many chats, with `expected` counting by hand what should end up stored.
 */
export function createTrafficGenerator(options: GeneratorOptions) {
  const random = rng(options.seed ?? 42)
  let date = options.startDate ?? Math.floor(Date.now() / 1000) - 86_400 * 2
  const nextMessageId = new Map<number, number>()
  const sent: { chatId: number; messageId: number; date: number; from: number }[] = []
  const members = new Map<number, Set<number>>()
  const editDates = new Map<string, number>()
  const expected: Expected = { messages: 0, edits: 0, reactionEvents: 0, memberEvents: 0, editsPerMessage: new Map() }

  const chatOf = (i: number) => ({ id: -1001000000000 - i, type: 'supergroup' as const, title: `Group ${i} ${NAMES[i % NAMES.length]}` })
  const userOf = (u: number) => ({ id: 10_000 + u, is_bot: false, first_name: NAMES[u % NAMES.length]!, username: `user${u}` })
  const pick = (n: number) => Math.floor(random() * n)
  // Real groups are skewed: a few big chats carry most traffic, and in each a few members
  // write most messages. Rank r is drawn with weight ~ 1/r (a Zipf law).
  const zipf = (n: number) => Math.min(n - 1, Math.floor(Math.exp(random() * Math.log(n + 1))) - 1)
  const chatSize = (c: number) => Math.max(5, Math.floor(options.users / (c + 1)))
  // Each chat's members are a slice of the users, so membership overlaps like real groups.
  const memberOf = (c: number, rank: number) => (c * 7919 + rank) % options.users

  function message(): Omit<Update, 'update_id'> {
    const c = zipf(options.chats)
    const chat = chatOf(c)
    const u = memberOf(c, zipf(chatSize(c)))
    const id = (nextMessageId.get(c) ?? 0) + 1
    nextMessageId.set(c, id)
    date += random() < 0.5 ? 1 : 0
    sent.push({ chatId: chat.id, messageId: id, date, from: u })
    expected.messages++
    const r = random()
    const base = { message_id: id, date, chat, from: userOf(u) }
    if (r < 0.7) return { message: { ...base, text: `hello #${id} https://example.org @user${u}`, entities: [
      { type: 'url', offset: 13, length: 19 }, { type: 'mention', offset: 33, length: 5 + String(u).length }] } as never }
    if (r < 0.85) return { message: { ...base, photo: [{ file_id: 'p', file_unique_id: 'p', width: 1, height: 1 }], caption: 'pic' } as never }
    if (r < 0.95) return { message: { ...base, sticker: { file_id: 's', file_unique_id: 's', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } } as never }
    return { message: { ...base, voice: { file_id: 'v', file_unique_id: 'v', duration: 3 } } as never }
  }

  function edit(): Omit<Update, 'update_id'> | undefined {
    const m = sent[sent.length - 1 - pick(Math.min(sent.length, 500))]
    if (!m) return undefined
    const key = `${m.chatId}:${m.messageId}`
    const editDate = Math.max((editDates.get(key) ?? m.date) + 1, date)
    editDates.set(key, editDate)
    expected.edits++
    expected.editsPerMessage.set(key, (expected.editsPerMessage.get(key) ?? 0) + 1)
    const chat = chatOf(-1001000000000 - m.chatId)
    return { edited_message: { message_id: m.messageId, date: m.date, edit_date: editDate, chat, from: userOf(m.from), text: `edited ${editDate}` } as never }
  }

  function reaction(): Omit<Update, 'update_id'> | undefined {
    const m = sent[sent.length - 1 - pick(Math.min(sent.length, 500))]
    if (!m) return undefined
    expected.reactionEvents++
    const chat = chatOf(-1001000000000 - m.chatId)
    const c = -1001000000000 - m.chatId
    return { message_reaction: { chat, message_id: m.messageId, user: userOf(memberOf(c, zipf(chatSize(c)))), date,
      old_reaction: [], new_reaction: [{ type: 'emoji', emoji: EMOJI[pick(EMOJI.length)]! }] } as never }
  }

  function membership(): Omit<Update, 'update_id'> {
    const c = zipf(options.chats)
    const chat = chatOf(c)
    const set = members.get(c) ?? new Set<number>()
    members.set(c, set)
    const u = memberOf(c, pick(chatSize(c)))
    const joining = !set.has(u)
    if (joining) set.add(u)
    else set.delete(u)
    date += 1
    expected.memberEvents++
    const user = userOf(u)
    return { chat_member: { chat, from: user, date,
      old_chat_member: joining ? { status: 'left', user } : { status: 'member', user },
      new_chat_member: joining ? { status: 'member', user } : { status: 'left', user } } as never }
  }

  function next(): Omit<Update, 'update_id'> {
    const r = random()
    if (r < 0.8) return message()
    if (r < 0.88) return edit() ?? message()
    if (r < 0.97) return reaction() ?? message()
    return membership()
  }

  return { next, expected }
}
