import type { Chat, ChatMember, Message, PhotoSize, User, UserFromGetMe } from 'grammy/types'
import { badRequest } from './fake-bot-api-error.ts'
import type { UploadedFile } from './fake-bot-api-params.ts'

export interface DefaultCall {
  params: Record<string, unknown>
  files: Record<string, UploadedFile>
}

export interface DefaultsState {
  botUser: UserFromGetMe
  nextMessageId(): number
  nextFileId(): string
}

type Answer = (call: DefaultCall, state: DefaultsState) => unknown

const alwaysTrue: Answer = () => true

const answers: Record<string, Answer> = {
  getMe: (_call, state) => state.botUser,
  setMyCommands: alwaysTrue,
  deleteMyCommands: alwaysTrue,
  getMyCommands: () => [],
  answerCallbackQuery: alwaysTrue,
  deleteMessage: alwaysTrue,
  deleteMessages: alwaysTrue,
  sendChatAction: alwaysTrue,
  setMessageReaction: alwaysTrue,
  leaveChat: alwaysTrue,
  sendMessage: ({ params }, state) => {
    if (typeof params.text !== 'string' || params.text === '') throw badRequest('message text is empty')
    return { ...newMessage(params, state), text: params.text, ...echo(params, 'entities', 'reply_markup') }
  },
  sendPhoto: ({ params, files }, state) => ({
    ...newMessage(params, state),
    photo: photoSizes(params.photo, files.photo, state),
    ...echo(params, 'caption', 'caption_entities', 'reply_markup'),
  }),
  editMessageText: ({ params }, state) => edited(params, state, { text: params.text, ...echo(params, 'entities') }),
  editMessageCaption: ({ params }, state) => edited(params, state, echo(params, 'caption', 'caption_entities')),
  editMessageReplyMarkup: ({ params }, state) => edited(params, state, {}),
  editMessageMedia: ({ params, files }, state) => {
    const media = (params.media ?? {}) as { type?: string; media?: unknown; caption?: string }
    const attached = typeof media.media === 'string' ? files[media.media.replace(/^attach:\/\//, '')] : undefined
    const photo = media.type === 'photo' ? { photo: photoSizes(media.media, attached, state) } : {}
    return edited(params, state, { ...photo, ...(media.caption === undefined ? {} : { caption: media.caption }) })
  },
  getChat: ({ params }) => ({ ...chatFor(params.chat_id), accent_color_id: 0, max_reaction_count: 11 }),
  getChatMember: ({ params }): ChatMember => ({ status: 'member', user: userFor(params.user_id) }),
  getChatAdministrators: (): ChatMember[] => [
    { status: 'creator', user: { id: 1, is_bot: false, first_name: 'Owner' }, is_anonymous: false },
  ],
  getChatMemberCount: () => 2,
}

/** Default results, keyed by lower-cased method name (Telegram matches method names case-insensitively). */
export const defaultAnswers: ReadonlyMap<string, Answer> = new Map(
  Object.entries(answers).map(([method, answer]) => [method.toLowerCase(), answer]),
)

export function chatFor(chatId: unknown): Chat {
  if (chatId === undefined || chatId === '') throw badRequest('chat_id is empty')
  if (typeof chatId === 'string' && chatId.startsWith('@')) {
    return { id: -1001000000001, type: 'channel', title: chatId.slice(1), username: chatId.slice(1) }
  }
  const id = Number(chatId)
  if (!Number.isSafeInteger(id) || id === 0) throw badRequest('chat not found')
  if (id > 0) return { id, type: 'private', first_name: `User ${id}` }
  return { id, type: String(id).startsWith('-100') ? 'supergroup' : 'group', title: `Chat ${id}` }
}

function userFor(userId: unknown): User {
  const id = Number(userId)
  if (!Number.isSafeInteger(id) || id <= 0) throw badRequest('invalid user_id specified')
  return { id, is_bot: false, first_name: `User ${id}` }
}

function newMessage(params: Record<string, unknown>, state: DefaultsState) {
  return {
    message_id: state.nextMessageId(),
    date: Math.floor(Date.now() / 1000),
    chat: chatFor(params.chat_id),
    from: state.botUser,
  }
}

// An edit of an inline message answers true; otherwise the edited Message, keeping its message_id.
function edited(params: Record<string, unknown>, state: DefaultsState, content: object): Message | true {
  if (params.inline_message_id !== undefined) return true
  const message_id = Number(params.message_id)
  if (!Number.isSafeInteger(message_id)) throw badRequest('message identifier is not specified')
  const now = Math.floor(Date.now() / 1000)
  const message = { ...newMessage(params, state), message_id, edit_date: now, ...content }
  return { ...message, ...echo(params, 'reply_markup') } as Message
}

function photoSizes(photo: unknown, upload: UploadedFile | undefined, state: DefaultsState): PhotoSize[] {
  const fileId = upload || typeof photo !== 'string' || /^(https?|attach):/.test(photo) ? state.nextFileId() : photo
  const size = upload ? { file_size: upload.bytes.length } : {}
  return [{ file_id: fileId, file_unique_id: `u${fileId}`, width: 320, height: 320, ...size }]
}

function echo(params: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => params[key] !== undefined).map((key) => [key, params[key]]))
}
