// Plain rows the batch writer stores; dates are Unix seconds as Telegram sends them.

export type MessageKind =
  | 'text' | 'photo' | 'video' | 'animation' | 'sticker' | 'voice' | 'video_note' | 'document'
  | 'audio' | 'poll' | 'location' | 'contact' | 'dice' | 'story' | 'other'

export type SenderType = 'user' | 'bot' | 'anonymous_admin' | 'channel' | 'unknown'
export type MemberEventKind = 'join' | 'leave' | 'kick' | 'ban' | 'unban'
export type JoinSource = 'self' | 'link' | 'join_request' | 'folder_link' | 'added'

export interface ChatRow {
  chatId: number
  type: string
  title: string | null
  username: string | null
  isForum: boolean
  date: number
}

export interface UserRow {
  userId: number
  isBot: boolean
  firstName: string
  lastName: string | null
  username: string | null
  languageCode: string | null
  isPremium: boolean
  date: number
}

export interface MessageContent {
  kind: MessageKind
  textLength: number
  linkCount: number
  mentionCount: number
  hashtagCount: number
}

export interface MessageRow extends MessageContent {
  chatId: number
  messageId: number
  date: number
  threadId: number | null
  senderId: number | null
  senderType: SenderType
  replyToMessageId: number | null
  isForward: boolean
}

export interface EditRow extends MessageRow {
  editDate: number
  /** Tells apart two edits in one second. */
  updateId: number
}

export interface ReactionRow {
  chatId: number
  messageId: number
  date: number
  actorId: number
  oldReactions: string[]
  newReactions: string[]
  /** Reactions in the new list that were not in the old one. */
  added: number
  updateId: number
}

export interface ReactionCountRow {
  chatId: number
  messageId: number
  date: number
  reactions: { key: string; count: number }[]
  total: number
  /** Tells apart two rises in one second. */
  updateId: number
}

export interface MemberEventRow {
  chatId: number
  userId: number
  date: number
  event: MemberEventKind
  direction: 1 | -1 | 0
  joinSource: JoinSource | null
  actorId: number | null
  inviteLink: string | null
  inviteLinkName: string | null
  origin: 'chat_member' | 'service_message'
  updateId: number | null
  messageId: number | null
}

export interface BotMembershipRow {
  chatId: number
  date: number
  oldStatus: string
  newStatus: string
  actorId: number | null
  updateId: number
}

export interface ChatMigrationRow {
  fromChatId: number
  toChatId: number
  date: number
}

/** Everything one update contributes; most updates fill one or two fields. */
export interface UpdateRows {
  chats: ChatRow[]
  users: UserRow[]
  messages: MessageRow[]
  edits: EditRow[]
  reactions: ReactionRow[]
  reactionCounts: ReactionCountRow[]
  memberEvents: MemberEventRow[]
  botMemberships: BotMembershipRow[]
  migrations: ChatMigrationRow[]
}

/** The row lists of `UpdateRows`, in one fixed order. */
export const ROW_LISTS: readonly (keyof UpdateRows)[] = [
  'chats', 'users', 'messages', 'edits', 'reactions', 'reactionCounts', 'memberEvents', 'botMemberships', 'migrations',
]

export function emptyRows(): UpdateRows {
  return {
    chats: [], users: [], messages: [], edits: [], reactions: [], reactionCounts: [],
    memberEvents: [], botMemberships: [], migrations: [],
  }
}
