import type {
  Chat, ChatMember, ChatMemberUpdated, Message, MessageReactionCountUpdated, MessageReactionUpdated,
  ReactionType, Update, User,
} from 'grammy/types'
import { messageContent } from './message-content.ts'
import { cleanText, isPlausibleDate, isSafeId } from './sanitize.ts'
import {
  emptyRows, type ChatRow, type MemberEventRow, type MessageContent, type MessageRow, type SenderType, type UpdateRows, type UserRow,
} from './rows.ts'

/** `bad`: the update breaks what the Bot API promises (logged as a warning); otherwise there is just nothing to store. */
export type MapResult = { rows: UpdateRows; skipped?: undefined } | { rows?: undefined; skipped: string; bad: boolean }
type Skip = Extract<MapResult, { skipped: string }>
const bad = (reason: string): Skip => ({ skipped: reason, bad: true })
const nothing = (reason: string): Skip => ({ skipped: reason, bad: false })

// Update kinds of the Bot API that hold nothing this bot records (or that it does not ask for).
const OTHER_KINDS = new Set([
  'channel_post', 'edited_channel_post', 'business_connection', 'business_message', 'edited_business_message',
  'deleted_business_messages', 'inline_query', 'chosen_inline_result', 'callback_query', 'shipping_query',
  'pre_checkout_query', 'purchased_paid_media', 'poll', 'poll_answer', 'chat_join_request', 'chat_boost', 'removed_chat_boost',
])

const GROUP_TYPES = new Set(['group', 'supergroup'])
// Placeholder `from` users Telegram sets when the real sender is a chat.
const PLACEHOLDER_USERS = new Set([1087968824, 136817688, 777000])

/**
 * Turns one update into rows, appended to `rows`, or says why it has nothing to store (and
 * then appends nothing). Never throws on odd input.
 */
export function mapUpdate(update: Update, botId: number, rows: UpdateRows = emptyRows()): MapResult {
  if (update.message) return mapMessage(rows, update.message, botId)
  if (update.edited_message) return mapEdit(rows, update.edited_message, update.update_id)
  if (update.message_reaction) return mapReaction(rows, update.message_reaction, update.update_id)
  if (update.message_reaction_count) return mapReactionCount(rows, update.message_reaction_count, update.update_id)
  if (update.chat_member) return mapChatMember(rows, update.chat_member, update.update_id)
  if (update.my_chat_member) return mapMyChatMember(rows, update.my_chat_member, update.update_id)
  const kind = Object.keys(update).find((k) => k !== 'update_id') ?? 'empty'
  return OTHER_KINDS.has(kind) ? nothing(`nothing to store for ${kind}`) : bad(`an update of a kind this bot does not know: ${kind}`)
}

function groupCheck(chat: Chat | undefined, date: unknown): Skip | undefined {
  if (!chat || !isSafeId(chat.id)) return bad('chat is missing')
  if (!GROUP_TYPES.has(chat.type)) return nothing(`not a group (${chat.type})`)
  if (!isPlausibleDate(date)) return bad(`implausible date ${String(date)}`)
  return undefined
}

function mapMessage(rows: UpdateRows, message: Message, botId: number): MapResult {
  const problem = groupCheck(message.chat, message.date)
  if (problem) return problem
  const chat = message.chat
  rows.chats.push(chatRow(chat, message.date))
  addSender(rows, message)
  if (message.migrate_to_chat_id && isSafeId(message.migrate_to_chat_id))
    rows.migrations.push({ fromChatId: chat.id, toChatId: message.migrate_to_chat_id, date: message.date })
  if (message.migrate_from_chat_id && isSafeId(message.migrate_from_chat_id))
    rows.migrations.push({ fromChatId: message.migrate_from_chat_id, toChatId: chat.id, date: message.date })
  for (const member of message.new_chat_members ?? []) {
    if (!isSafeId(member.id) || member.id === botId) continue
    rows.users.push(userRow(member, message.date))
    const added = message.from && message.from.id !== member.id
    rows.memberEvents.push(serviceEvent(message, member.id, 'join', 1, added ? 'added' : 'self', added ? message.from!.id : null))
  }
  const left = message.left_chat_member
  if (left && isSafeId(left.id) && left.id !== botId) {
    rows.users.push(userRow(left, message.date))
    const kicked = message.from && message.from.id !== left.id
    rows.memberEvents.push(serviceEvent(message, left.id, kicked ? 'kick' : 'leave', -1, null, kicked ? message.from!.id : null))
  }
  const content = messageContent(message)
  if (content && isSafeId(message.message_id)) rows.messages.push(messageRow(message, content))
  return { rows }
}

function mapEdit(rows: UpdateRows, message: Message, updateId: number): MapResult {
  const problem = groupCheck(message.chat, message.date)
  if (problem) return problem
  if (!isPlausibleDate(message.edit_date)) return bad(`edit without a plausible edit_date (${String(message.edit_date)})`)
  const content = messageContent(message)
  if (!content) return nothing('edited service message')
  rows.chats.push(chatRow(message.chat, message.edit_date))
  addSender(rows, message, message.edit_date)
  rows.edits.push({ ...messageRow(message, content), editDate: message.edit_date, updateId })
  return { rows }
}

function messageRow(message: Message, content: MessageContent): MessageRow {
  const { senderId, senderType } = sender(message)
  const topicRoot = message.is_topic_message ? message.message_thread_id : undefined
  const replyId = message.reply_to_message?.message_id
  return {
    chatId: message.chat.id,
    messageId: message.message_id,
    date: message.date,
    threadId: message.is_topic_message && isSafeId(message.message_thread_id) ? message.message_thread_id : null,
    senderId,
    senderType,
    // In a forum every message "replies" to its topic's first message; that is not a reply.
    replyToMessageId: replyId !== undefined && replyId !== topicRoot && isSafeId(replyId) ? replyId : null,
    isForward: message.forward_origin !== undefined || (message as { forward_date?: number }).forward_date !== undefined,
    ...content,
  }
}

function sender(message: Message): { senderId: number | null; senderType: SenderType } {
  const senderChat = message.sender_chat
  if (senderChat && isSafeId(senderChat.id))
    return { senderId: senderChat.id, senderType: senderChat.id === message.chat.id ? 'anonymous_admin' : 'channel' }
  const from = message.from
  if (from && isSafeId(from.id)) return { senderId: from.id, senderType: from.is_bot ? 'bot' : 'user' }
  return { senderId: null, senderType: 'unknown' }
}

function addSender(rows: UpdateRows, message: Message, date = message.date): void {
  const from = message.from
  if (from && isSafeId(from.id) && !(message.sender_chat && PLACEHOLDER_USERS.has(from.id)))
    rows.users.push(userRow(from, date))
  const senderChat = message.sender_chat
  if (senderChat && isSafeId(senderChat.id) && senderChat.id !== message.chat.id) rows.chats.push(chatRow(senderChat, date))
}

function serviceEvent(
  message: Message, userId: number, event: MemberEventRow['event'], direction: 1 | -1,
  joinSource: MemberEventRow['joinSource'], actorId: number | null,
): MemberEventRow {
  return {
    chatId: message.chat.id, userId, date: message.date, event, direction, joinSource, actorId,
    inviteLink: null, inviteLinkName: null, origin: 'service_message', updateId: null, messageId: message.message_id,
  }
}

function mapReaction(rows: UpdateRows, r: MessageReactionUpdated, updateId: number): MapResult {
  const problem = groupCheck(r.chat, r.date)
  if (problem) return problem
  const actorId = r.user?.id ?? r.actor_chat?.id
  if (!isSafeId(actorId)) return bad('reaction without an actor')
  rows.chats.push(chatRow(r.chat, r.date))
  if (r.user) rows.users.push(userRow(r.user, r.date))
  const oldReactions = (r.old_reaction ?? []).map(reactionKey)
  const newReactions = (r.new_reaction ?? []).map(reactionKey)
  rows.reactions.push({
    chatId: r.chat.id, messageId: r.message_id, date: r.date, actorId, oldReactions, newReactions,
    added: newReactions.filter((k) => !oldReactions.includes(k)).length, updateId,
  })
  return { rows }
}

function mapReactionCount(rows: UpdateRows, r: MessageReactionCountUpdated, updateId: number): MapResult {
  if (!r.chat || !isSafeId(r.chat.id)) return bad('chat is missing')
  if (r.chat.type === 'private') return nothing('reaction count outside a group or channel')
  if (!isPlausibleDate(r.date)) return bad(`implausible date ${String(r.date)}`)
  rows.chats.push(chatRow(r.chat, r.date))
  const reactions = (r.reactions ?? []).map((c) => ({ key: reactionKey(c.type), count: c.total_count }))
  // A paid reaction's count is the Stars sent (each Star adds one: messages.sendPaidReaction), not
  // people reacting: kept in `reactions` as it came, left out of the total the rollups count.
  const total = reactions.reduce((s, c) => s + (c.key === PAID ? 0 : c.count), 0)
  rows.reactionCounts.push({ chatId: r.chat.id, messageId: r.message_id, date: r.date, reactions, total, updateId })
  return { rows }
}

const PAID = 'paid'

export function reactionKey(reaction: ReactionType): string {
  if (reaction.type === 'emoji') return reaction.emoji
  if (reaction.type === 'custom_emoji') return `custom:${reaction.custom_emoji_id}`
  return reaction.type
}

const isMember = (m: ChatMember): boolean =>
  m.status === 'creator' || m.status === 'administrator' || m.status === 'member' || (m.status === 'restricted' && m.is_member)

function mapChatMember(rows: UpdateRows, u: ChatMemberUpdated, updateId: number): MapResult {
  const problem = groupCheck(u.chat, u.date)
  if (problem) return problem
  const user = u.new_chat_member?.user
  if (!user || !isSafeId(user.id) || !u.old_chat_member) return bad('chat_member without a user')
  const change = classifyChange(u)
  if (!change) return nothing(`no membership change (${u.old_chat_member.status} → ${u.new_chat_member.status})`)
  rows.chats.push(chatRow(u.chat, u.date))
  rows.users.push(userRow(user, u.date))
  if (u.from && isSafeId(u.from.id) && u.from.id !== user.id) rows.users.push(userRow(u.from, u.date))
  rows.memberEvents.push({
    chatId: u.chat.id, userId: user.id, date: u.date, ...change,
    inviteLink: cleanText(u.invite_link?.invite_link), inviteLinkName: cleanText(u.invite_link?.name),
    origin: 'chat_member', updateId, messageId: null,
  })
  return { rows }
}

type Change = Pick<MemberEventRow, 'event' | 'direction' | 'joinSource' | 'actorId'>

function classifyChange(u: ChatMemberUpdated): Change | null {
  const userId = u.new_chat_member.user.id
  const actor = u.from && u.from.id !== userId ? u.from.id : null
  const was = isMember(u.old_chat_member)
  const now = isMember(u.new_chat_member)
  if (!was && now) {
    const source = u.via_join_request ? 'join_request'
      : u.via_chat_folder_invite_link ? 'folder_link'
      : u.invite_link ? 'link'
      : actor ? 'added' : 'self'
    return { event: 'join', direction: 1, joinSource: source, actorId: actor }
  }
  if (was && !now) {
    if (u.new_chat_member.status === 'kicked') return { event: 'ban', direction: -1, joinSource: null, actorId: actor }
    return actor ? { event: 'kick', direction: -1, joinSource: null, actorId: actor } : { event: 'leave', direction: -1, joinSource: null, actorId: null }
  }
  if (!was && !now) {
    if (u.old_chat_member.status === 'kicked' && u.new_chat_member.status !== 'kicked')
      return { event: 'unban', direction: 0, joinSource: null, actorId: actor }
    if (u.old_chat_member.status !== 'kicked' && u.new_chat_member.status === 'kicked')
      return { event: 'ban', direction: 0, joinSource: null, actorId: actor }
  }
  return null
}

function mapMyChatMember(rows: UpdateRows, u: ChatMemberUpdated, updateId: number): MapResult {
  const problem = groupCheck(u.chat, u.date)
  if (problem) return problem
  if (!u.old_chat_member || !u.new_chat_member) return bad('my_chat_member without statuses')
  rows.chats.push(chatRow(u.chat, u.date))
  if (u.from && isSafeId(u.from.id)) rows.users.push(userRow(u.from, u.date))
  rows.botMemberships.push({
    chatId: u.chat.id, date: u.date, oldStatus: u.old_chat_member.status, newStatus: u.new_chat_member.status,
    actorId: u.from && isSafeId(u.from.id) ? u.from.id : null, updateId,
  })
  return { rows }
}

function chatRow(chat: Chat, date: number): ChatRow {
  const c = chat as Chat & { title?: string; username?: string; is_forum?: boolean }
  return {
    chatId: chat.id, type: chat.type, title: cleanText(c.title), username: cleanText(c.username),
    isForum: c.is_forum === true, date,
  }
}

function userRow(user: User, date: number): UserRow {
  return {
    userId: user.id, isBot: user.is_bot === true, firstName: cleanText(user.first_name) ?? '',
    lastName: cleanText(user.last_name), username: cleanText(user.username),
    languageCode: cleanText(user.language_code), isPremium: user.is_premium === true, date,
  }
}
