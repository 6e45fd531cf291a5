import type { Update } from 'grammy/types'

export interface TestChat {
  id: number
  title: string
  isForum?: boolean
}

export interface TestUser {
  id: number
  first_name: string
  last_name?: string
  username?: string
}

export const GROUP_ANONYMOUS_BOT = { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' }

export const unix = (iso: string): number => Math.floor(Date.parse(iso) / 1000)

/** Real-shaped updates with increasing update ids and per-chat message ids. */
export class Updates {
  private updateId = 1
  private readonly messageIds = new Map<number, number>()

  chat(chat: TestChat) {
    return { id: chat.id, type: 'supergroup' as const, title: chat.title, ...(chat.isForum ? { is_forum: true as const } : {}) }
  }

  private nextMessageId(chatId: number): number {
    const id = (this.messageIds.get(chatId) ?? 0) + 1
    this.messageIds.set(chatId, id)
    return id
  }

  /** `text: undefined` for a service message (whose fields come in `extra`). */
  message(chat: TestChat, from: TestUser, iso: string, text: string | undefined = 'hello', extra: Record<string, unknown> = {}): Update & { message: { message_id: number } } {
    return {
      update_id: this.updateId++,
      message: {
        message_id: this.nextMessageId(chat.id), date: unix(iso), chat: this.chat(chat),
        from: { is_bot: false, ...from }, ...(text === undefined ? {} : { text }), ...extra,
      },
    } as never
  }

  /** A message an anonymous admin posts as the group, or a channel posts into it. */
  asChat(chat: TestChat, senderChat: { id: number; title: string; type: 'supergroup' | 'channel' }, iso: string, text: string): Update {
    const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] : undefined
    return {
      update_id: this.updateId++,
      message: {
        message_id: this.nextMessageId(chat.id), date: unix(iso), chat: this.chat(chat),
        from: GROUP_ANONYMOUS_BOT, sender_chat: senderChat, text, entities,
      },
    } as never
  }

  command(chat: TestChat, from: TestUser, text: string, iso: string, extra: Record<string, unknown> = {}): Update {
    return this.message(chat, from, iso, text, {
      entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }],
      ...extra,
    })
  }

  reaction(chat: TestChat, user: TestUser, messageId: number, iso: string, emoji: string[], old: string[] = []): Update {
    return {
      update_id: this.updateId++,
      message_reaction: {
        chat: this.chat(chat), message_id: messageId, date: unix(iso), user: { is_bot: false, ...user },
        old_reaction: old.map((e) => ({ type: 'emoji', emoji: e })), new_reaction: emoji.map((e) => ({ type: 'emoji', emoji: e })),
      },
    } as never
  }

  membership(chat: TestChat, user: TestUser, iso: string, joined: boolean): Update {
    const member = { is_bot: false, ...user }
    return {
      update_id: this.updateId++,
      chat_member: {
        chat: this.chat(chat), from: member, date: unix(iso),
        old_chat_member: { status: joined ? 'left' : 'member', user: member },
        new_chat_member: { status: joined ? 'member' : 'left', user: member },
      },
    } as never
  }

  callback(from: TestUser, chat: TestChat, messageId: number, data: string, messageDate = 1): Update {
    return {
      update_id: this.updateId++,
      callback_query: {
        id: `cb${this.updateId}`, from: { is_bot: false, ...from }, chat_instance: 'ci', data,
        message: { message_id: messageId, date: messageDate, chat: this.chat(chat), from: { id: 4242, is_bot: true, first_name: 'Group Stats' }, text: 'x' },
      },
    } as never
  }
}
