import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Chat, ChatMember, Message, ReactionType, Update, User } from 'grammy/types'
import { mapUpdate } from '../../../bot/ingest/map-update.ts'
import { emptyRows, type UpdateRows } from '../../../bot/ingest/rows.ts'

// Real Bot API samples (copies of ../shared/fixtures/updates, read-only: see their README.md).
const DIR = process.env.UPDATE_FIXTURES ?? fileURLToPath(new URL('../../fixtures/updates/', import.meta.url))

/** A whole `Update` from updates/<name>.json. */
export function fixtureUpdate(name: string): Update {
  return JSON.parse(readFileSync(`${DIR}/updates/${name}.json`, 'utf8')) as Update
}

/** A bare object from messages/<name>.json (Message, MessageReactionUpdated, …). */
export function fixtureObject<T = Message>(name: string): T {
  return JSON.parse(readFileSync(`${DIR}/messages/${name}.json`, 'utf8')) as T
}

export const FX = {
  forumTopicMessage: 'teloxide__message__topic_message__L2824',
  forumTopicCreated: 'teloxide__message__topic_created__L2797',
  anonymousAdmin: 'teloxide__message__issue_419__L2571',
  anonymousAdminService: 'teloxide__message__issue_475__L2716',
  migrateTo: 'teloxide__message__issue_427__L2638',
  migrateFrom: 'teloxide__message__issue_427__L2649',
  reactionFromUser: 'teloxide__message_reaction__message_reaction_updated__L901',
  reactionFromChat: 'teloxide__message_reaction__message_reaction_updated__L965',
  reactionCount: 'teloxide__message_reaction_count__message_reaction_count_updated__L1020',
  leftChatMember: 'huginn__message_left_chat_member__252965477',
  unknownKind: 'teloxide__new_update_kind__new_update_kind_error__L864',
  privateText: 'huginn__message_private_text__252965475',
  emptyMessageDate0: 'teloxide__message__empty_message__L2832',
  dice: 'teloxide__message__dice_works__L828',
  story: 'teloxide__message__issue_1107__L650',
  commandReplyInThread: 'teloxide__message__issue_1107__L685',
  pinned: 'teloxide__message__pinned_message_works__L782',
  privateMyChatMember: 'teloxide__my_chat_member__issue_523__L880',
} as const

let nextUpdateId = 900_000_000

/** A fresh update id, unique within a test run. */
export const newUpdateId = (): number => nextUpdateId++

export const asUpdate = (fields: Record<string, unknown>, updateId = newUpdateId()): Update =>
  ({ update_id: updateId, ...fields }) as unknown as Update

export const messageUpdate = (message: unknown, updateId?: number) => asUpdate({ message }, updateId)
export const editUpdate = (edited: unknown, updateId?: number) => asUpdate({ edited_message: edited }, updateId)

// ---- Synthetic builders, shaped after the Bot API documentation (core.telegram.org/bots/api). ----

export const NOW = Math.floor(Date.now() / 1000)
/** A recent, plausible base date; tests add seconds to it. */
export const T0 = NOW - 3 * 86_400

export function user(id: number, first = `User ${id}`, extra: Partial<User> = {}): User {
  return { id, is_bot: false, first_name: first, ...extra }
}

export function group(id: number, title = `Group ${id}`, extra: Record<string, unknown> = {}): Chat.SupergroupChat {
  return { id, type: 'supergroup', title, ...extra } as Chat.SupergroupChat
}

export interface TextMessageOptions {
  chat: Chat
  messageId: number
  date: number
  from?: User
  text?: string
  entities?: { type: string; offset: number; length: number; url?: string; user?: User }[]
  extra?: Record<string, unknown>
}

/** SYNTHETIC: a plain text message in a group. */
export function textMessage(o: TextMessageOptions): Message {
  const m: Record<string, unknown> = { message_id: o.messageId, date: o.date, chat: o.chat, text: o.text ?? 'hi' }
  if (o.from) m.from = o.from
  if (o.entities) m.entities = o.entities
  return { ...m, ...o.extra } as unknown as Message
}

/** SYNTHETIC: an `edited_message` in a group (Bot API: same Message with `edit_date`). */
export function editedMessage(o: TextMessageOptions & { editDate: number }): Message {
  return { ...textMessage(o), edit_date: o.editDate } as Message
}

export function member(u: User, status: ChatMember['status'], extra: Record<string, unknown> = {}): ChatMember {
  return { user: u, status, ...extra } as unknown as ChatMember
}

export interface ChatMemberOptions {
  chat: Chat
  from: User
  date: number
  old: ChatMember
  now: ChatMember
  inviteLink?: { invite_link: string; name?: string; creator?: User; creates_join_request?: boolean }
  viaJoinRequest?: boolean
}

/** SYNTHETIC: a `chat_member` update (ChatMemberUpdated). */
export function chatMemberUpdate(o: ChatMemberOptions, updateId?: number): Update {
  const body: Record<string, unknown> = {
    chat: o.chat, from: o.from, date: o.date, old_chat_member: o.old, new_chat_member: o.now,
  }
  if (o.inviteLink) {
    body.invite_link = {
      creator: o.inviteLink.creator ?? user(1, 'Link Creator'), creates_join_request: o.inviteLink.creates_join_request ?? false,
      is_primary: false, is_revoked: false, ...o.inviteLink,
    }
  }
  if (o.viaJoinRequest) body.via_join_request = true
  return asUpdate({ chat_member: body }, updateId)
}

/** SYNTHETIC: a `my_chat_member` update about the bot itself. */
export function myChatMemberUpdate(
  o: { chat: Chat; from: User; date: number; bot: User; oldStatus: string; newStatus: string }, updateId?: number,
): Update {
  const status = (s: string) =>
    s === 'administrator'
      ? member(o.bot, 'administrator', { can_be_edited: false, is_anonymous: false, can_manage_chat: true, can_delete_messages: true })
      : s === 'restricted'
        ? member(o.bot, 'restricted', { is_member: true, can_send_messages: true })
        : member(o.bot, s as ChatMember['status'])
  return asUpdate({
    my_chat_member: { chat: o.chat, from: o.from, date: o.date, old_chat_member: status(o.oldStatus), new_chat_member: status(o.newStatus) },
  }, updateId)
}

/** SYNTHETIC: service message announcing new members (Bot API `new_chat_members`). */
export function joinServiceMessage(o: { chat: Chat; messageId: number; date: number; from: User; members: User[] }): Update {
  return messageUpdate({
    message_id: o.messageId, date: o.date, chat: o.chat, from: o.from, new_chat_members: o.members, new_chat_member: o.members[0],
    new_chat_participant: o.members[0],
  })
}

/** SYNTHETIC: service message announcing a member left or was removed (`left_chat_member`). */
export function leftServiceMessage(o: { chat: Chat; messageId: number; date: number; from: User; left: User }): Update {
  return messageUpdate({ message_id: o.messageId, date: o.date, chat: o.chat, from: o.from, left_chat_member: o.left, left_chat_participant: o.left })
}

export const emoji = (e: string): ReactionType => ({ type: 'emoji', emoji: e }) as ReactionType
export const customEmoji = (id: string): ReactionType => ({ type: 'custom_emoji', custom_emoji_id: id }) as ReactionType
export const paid = (): ReactionType => ({ type: 'paid' }) as ReactionType

/** SYNTHETIC: a `message_reaction` update (MessageReactionUpdated). */
export function reactionUpdate(
  o: { chat: Chat; messageId: number; date: number; user?: User; actorChat?: Chat; old: ReactionType[]; now: ReactionType[] },
  updateId?: number,
): Update {
  const body: Record<string, unknown> = { chat: o.chat, message_id: o.messageId, date: o.date, old_reaction: o.old, new_reaction: o.now }
  if (o.user) body.user = o.user
  if (o.actorChat) body.actor_chat = o.actorChat
  return asUpdate({ message_reaction: body }, updateId)
}

/** SYNTHETIC: a `message_reaction_count` update (MessageReactionCountUpdated). */
export function reactionCountUpdate(
  o: { chat: Chat; messageId: number; date: number; counts: [ReactionType, number][] }, updateId?: number,
): Update {
  return asUpdate({
    message_reaction_count: {
      chat: o.chat, message_id: o.messageId, date: o.date,
      reactions: o.counts.map(([type, total_count]) => ({ type, total_count })),
    },
  }, updateId)
}

// ---- Turning updates into rows the way the bot does, for tests that write them. ----

export const TEST_BOT_ID = 4_242_424

/** Rows of one update; fails the test if the update is unexpectedly skipped. */
export function rowsOf(update: Update, botId = TEST_BOT_ID): UpdateRows {
  const result = mapUpdate(update, botId)
  if (!result.rows) throw new Error(`update ${update.update_id} was skipped: ${result.skipped}`)
  return result.rows
}

/** Rows of several updates concatenated in order (independent of the production merge helper). */
export function batchOf(updates: readonly Update[], botId = TEST_BOT_ID): UpdateRows {
  const out = emptyRows()
  for (const u of updates) {
    const rows = rowsOf(u, botId)
    for (const key of Object.keys(out) as (keyof UpdateRows)[]) (out[key] as unknown[]).push(...(rows[key] as unknown[]))
  }
  return out
}
