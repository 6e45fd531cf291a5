import type { Message, MessageReactionCountUpdated, MessageReactionUpdated, Update } from 'grammy/types'
import { describe, expect, it } from 'vitest'
import { mapUpdate } from '../../bot/ingest/map-update.ts'
import type { MemberEventRow, UpdateRows } from '../../bot/ingest/rows.ts'
import {
  asUpdate, chatMemberUpdate, customEmoji, editUpdate, emoji, FX, fixtureObject, fixtureUpdate, group, member,
  messageUpdate, paid, reactionCountUpdate, reactionUpdate, rowsOf, T0, TEST_BOT_ID, textMessage, user,
} from './support/updates.ts'

const BOT = TEST_BOT_ID

function skipped(update: Update, botId = BOT): string {
  const result = mapUpdate(update, botId)
  expect(result.rows, `expected update ${JSON.stringify(update).slice(0, 120)} to be skipped`).toBeUndefined()
  return result.skipped!
}

/** Every string anywhere inside the rows, to prove a text never travels further than the mapper. */
function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value)
  else if (Array.isArray(value)) for (const v of value) allStrings(v, out)
  else if (value && typeof value === 'object') for (const v of Object.values(value)) allStrings(v, out)
  return out
}

const nonEmpty = (rows: UpdateRows) =>
  Object.fromEntries(Object.entries(rows).filter(([, list]) => (list as unknown[]).length > 0).map(([k, l]) => [k, (l as unknown[]).length]))

describe('real fixtures', () => {
  it('forum topic message: thread id kept, the topic root is not a reply', () => {
    const rows = rowsOf(messageUpdate(fixtureObject(FX.forumTopicMessage)))
    expect(rows.messages).toEqual([{
      chatId: -1001847508954, messageId: 5, date: 1675229140, threadId: 4, senderId: 1253681278, senderType: 'user',
      replyToMessageId: null, isForward: false, kind: 'text', textLength: 4, linkCount: 0, mentionCount: 0, hashtagCount: 0,
    }])
    expect(rows.chats).toEqual([{ chatId: -1001847508954, type: 'supergroup', title: 'twest', username: null, isForum: true, date: 1675229140 }])
    expect(rows.users.map((u) => [u.userId, u.firstName, u.username, u.languageCode])).toEqual([[1253681278, "вафель'", 'wafflelapkin', 'en']])
  })

  it('forum topic message replying to another message inside the topic keeps that reply', () => {
    // The real topic message, with its reply target changed to a message inside the topic (message 4 is the root).
    const m = fixtureObject<Record<string, unknown> & { reply_to_message: Record<string, unknown> }>(FX.forumTopicMessage)
    m.reply_to_message = { ...m.reply_to_message, message_id: 77 }
    delete m.reply_to_message.forum_topic_created
    const [row] = rowsOf(messageUpdate(m)).messages
    expect(row).toMatchObject({ threadId: 4, replyToMessageId: 77 })
  })

  it('the forum_topic_created service message is not a message row', () => {
    const rows = rowsOf(messageUpdate(fixtureObject(FX.forumTopicCreated)))
    expect(rows.messages).toEqual([])
    expect(rows.chats.map((c) => c.chatId)).toEqual([-1001847508954])
  })

  it('a reply in a non-forum supergroup thread is a reply without a thread id', () => {
    const rows = rowsOf(fixtureUpdate(FX.commandReplyInThread))
    expect(rows.messages).toEqual([{
      chatId: -1001293752024, messageId: 134546, date: 1721592580, threadId: null, senderId: 5964236329, senderType: 'user',
      replyToMessageId: 134545, isForward: false, kind: 'text', textLength: 7, linkCount: 0, mentionCount: 0, hashtagCount: 0,
    }])
  })

  it('anonymous admin: sender is the chat itself and GroupAnonymousBot is not stored as a user', () => {
    const rows = rowsOf(messageUpdate(fixtureObject(FX.anonymousAdmin)))
    expect(rows.messages).toEqual([{
      chatId: -1001160242915, messageId: 1, date: 1640359576, threadId: null, senderId: -1001160242915,
      senderType: 'anonymous_admin', replyToMessageId: null, isForward: true, kind: 'text', textLength: 4,
      linkCount: 0, mentionCount: 0, hashtagCount: 0,
    }])
    expect(rows.users).toEqual([])
    expect(rows.chats.map((c) => c.chatId)).toEqual([-1001160242915])
  })

  it('an anonymous admin service message (video chat started) stores no message and no user', () => {
    const rows = rowsOf(messageUpdate(fixtureObject(FX.anonymousAdminService)))
    expect(nonEmpty(rows)).toEqual({ chats: 1 })
  })

  it('group→supergroup migration: both service messages describe one migration and are not messages', () => {
    const to = rowsOf(messageUpdate(fixtureObject(FX.migrateTo)))
    const from = rowsOf(messageUpdate(fixtureObject(FX.migrateFrom)))
    const migration = { fromChatId: -599075523, toChatId: -1001555296434, date: 1629404938 }
    expect(to.migrations).toEqual([migration])
    expect(from.migrations).toEqual([migration])
    expect(to.messages).toEqual([])
    expect(from.messages).toEqual([])
    expect(to.users.map((u) => u.userId)).toEqual([729497414])
    expect(from.users).toEqual([])
    expect(to.chats.map((c) => [c.chatId, c.type])).toEqual([[-599075523, 'group']])
    expect(from.chats.map((c) => [c.chatId, c.type])).toEqual([[-1001555296434, 'supergroup']])
  })

  it('left_chat_member removed by another user is a kick with that user as actor', () => {
    const rows = rowsOf(fixtureUpdate(FX.leftChatMember))
    expect(rows.memberEvents).toEqual([{
      chatId: -217850512, userId: 136508315, date: 1506782504, event: 'kick', direction: -1, joinSource: null,
      actorId: 97201077, inviteLink: null, inviteLinkName: null, origin: 'service_message', updateId: null, messageId: 18,
    }])
    expect(rows.messages).toEqual([])
    expect(rows.users.map((u) => u.userId).sort((a, b) => a - b)).toEqual([97201077, 136508315])
  })

  it('left_chat_member about the bot itself is not a member event', () => {
    // In the huginn capture the removed member is the Huginn bot; seen from that bot, it is its own removal.
    const rows = rowsOf(fixtureUpdate(FX.leftChatMember), 136508315)
    expect(rows.memberEvents).toEqual([])
  })

  it('reaction from a user', () => {
    const rows = rowsOf(fixtureUpdate(FX.reactionFromUser))
    expect(rows.reactions).toEqual([{
      chatId: -1002184233434, messageId: 35, date: 1721306082, actorId: 1459074222, oldReactions: [], newReactions: ['🌭'],
      added: 1, updateId: 71651249,
    }])
    expect(rows.users.map((u) => [u.userId, u.isPremium])).toEqual([[1459074222, true]])
  })

  it('reaction on behalf of a chat (actor_chat): the chat id is the actor, no user row', () => {
    const rows = rowsOf(fixtureUpdate(FX.reactionFromChat))
    expect(rows.reactions).toEqual([{
      chatId: -1002199793788, messageId: 2, date: 1723798597, actorId: -1002199793788, oldReactions: ['❤'], newReactions: [],
      added: 0, updateId: 767844136,
    }])
    expect(rows.users).toEqual([])
  })

  it('reaction fixtures wrapped from messages/ give the same rows as the whole updates', () => {
    const bare = fixtureObject<MessageReactionUpdated>('teloxide__message_reaction_updated__deserialize_user__L70')
    const rows = rowsOf(asUpdate({ message_reaction: bare }, 71651249))
    expect(rows.reactions).toEqual(rowsOf(fixtureUpdate(FX.reactionFromUser)).reactions)
  })

  it('anonymous reaction counts keep every reaction and their sum', () => {
    const update = fixtureUpdate(FX.reactionCount)
    const rows = rowsOf(update)
    expect(rows.reactionCounts).toEqual([{
      chatId: -1002236736395, messageId: 36, date: 1721306391, reactions: [{ key: '🗿', count: 2 }, { key: '🌭', count: 1 }], total: 3,
      updateId: update.update_id,
    }])
    const bare = fixtureObject<MessageReactionCountUpdated>('teloxide__message_reaction_count_updated__deserialize__L47')
    expect(rowsOf(asUpdate({ message_reaction_count: bare }, update.update_id)).reactionCounts).toEqual(rows.reactionCounts)
  })

  it('dice and story messages get their kinds; a pinned-message notice is not a message', () => {
    expect(rowsOf(fixtureUpdate(FX.dice)).messages.map((m) => [m.kind, m.textLength])).toEqual([['dice', 0]])
    expect(rowsOf(fixtureUpdate(FX.story)).messages.map((m) => m.kind)).toEqual(['story'])
    expect(rowsOf(fixtureUpdate(FX.pinned)).messages).toEqual([])
  })

  it('an update of a kind the Bot API did not have when this was written is skipped as one to warn about', () => {
    const result = mapUpdate(fixtureUpdate(FX.unknownKind), BOT)
    expect(result).toMatchObject({ skipped: expect.stringMatching(/a kind this bot does not know/), bad: true })
  })

  it.each([
    'huginn__channel_post__252965476', 'tgdocs_webhooks__callback_query', 'tgdocs_webhooks__inline_query',
    'tgdocs_webhooks__chosen_inline_result', 'teloxide__chat_boost__chat_boost_updated__L1082',
    'teloxide__removed_chat_boost__chat_boost_removed__L1147', 'teloxide__purchased_paid_media__paid_media_purchased_de__L1206',
  ])('update kinds with nothing to store are skipped: %s', (name) => {
    expect(skipped(fixtureUpdate(name))).toMatch(/nothing to store/)
    expect(mapUpdate(fixtureUpdate(name), BOT)).toMatchObject({ bad: false })
  })

  it.each([
    FX.privateText, 'teloxide__message__de_private_chat_text_message__L749', 'teloxide__message__message__L558',
    'tgdocs_webhooks__message_text', 'tgdocs_webhooks__message_entities', 'tgdocs_webhooks__message_reply',
    'tgdocs_webhooks__message_forwarded', 'tgdocs_webhooks__message_forwarded_channel', 'tgdocs_webhooks__message_voice',
    'tgdocs_webhooks__message_audio', 'tgdocs_webhooks__message_document', 'tgdocs_webhooks__edited_message',
    'tgdocs_webhooks__message_text_curl_tls', FX.privateMyChatMember,
  ])('private (or typeless) chats are not stored: %s', (name) => {
    expect(skipped(fixtureUpdate(name))).toBeTruthy()
  })

  it.each([
    'teloxide__message__de_text__L2453', 'teloxide__message__de_image__L2522', 'teloxide__message__de_sticker__L2479',
    'teloxide__message__parse_caption_entities__L2729', 'teloxide__message__effect_id__L3462', 'teloxide__message__de_shared_chat__L2357',
  ])('private messages from messages/ are not stored: %s', (name) => {
    expect(skipped(messageUpdate(fixtureObject(name)))).toMatch(/private/)
  })

  it('date 0 is skipped (real captures), and so is a group message dated 0', () => {
    expect(skipped(messageUpdate(fixtureObject(FX.emptyMessageDate0)))).toBeTruthy()
    expect(skipped(messageUpdate(fixtureObject('teloxide__message__issue_481__L2666')))).toBeTruthy()
    // The real empty message, moved into a group: still date 0.
    const m = { ...fixtureObject<Message>(FX.emptyMessageDate0), chat: group(-1001000000001) }
    expect(skipped(messageUpdate(m))).toMatch(/date/)
  })
})

describe('synthetic chat_member changes (Bot API ChatMemberUpdated)', () => {
  const chat = group(-1002000000001, 'Members')
  const alice = user(501, 'Alice')
  const admin = user(900, 'Admin')
  const date = T0 + 100

  const event = (update: Update): MemberEventRow => {
    const rows = rowsOf(update)
    expect(rows.memberEvents).toHaveLength(1)
    return rows.memberEvents[0]!
  }
  const base = { chatId: chat.id, userId: alice.id, date, origin: 'chat_member', messageId: null }

  it('join by invite link keeps the link and its name', () => {
    const u = chatMemberUpdate({
      chat, from: alice, date, old: member(alice, 'left'), now: member(alice, 'member'),
      inviteLink: { invite_link: 'https://t.me/+AbCdEfGh123', name: 'Spring promo', creator: admin },
    })
    expect(event(u)).toEqual({
      ...base, event: 'join', direction: 1, joinSource: 'link', actorId: null, inviteLink: 'https://t.me/+AbCdEfGh123',
      inviteLinkName: 'Spring promo', updateId: u.update_id,
    })
  })

  it('join through an approved join request names the approving admin', () => {
    const u = chatMemberUpdate({
      chat, from: admin, date, old: member(alice, 'left'), now: member(alice, 'member'), viaJoinRequest: true,
      inviteLink: { invite_link: 'https://t.me/+Req', creates_join_request: true, creator: admin },
    })
    expect(event(u)).toMatchObject({ event: 'join', direction: 1, joinSource: 'join_request', actorId: admin.id })
    expect(rowsOf(u).users.map((x) => x.userId).sort((a, b) => a - b)).toEqual([alice.id, admin.id].sort((a, b) => a - b))
  })

  it('added by an admin', () => {
    const u = chatMemberUpdate({ chat, from: admin, date, old: member(alice, 'left'), now: member(alice, 'member') })
    expect(event(u)).toEqual({
      ...base, event: 'join', direction: 1, joinSource: 'added', actorId: admin.id, inviteLink: null, inviteLinkName: null,
      updateId: u.update_id,
    })
  })

  it('self join', () => {
    const u = chatMemberUpdate({ chat, from: alice, date, old: member(alice, 'left'), now: member(alice, 'member') })
    expect(event(u)).toMatchObject({ event: 'join', direction: 1, joinSource: 'self', actorId: null })
  })

  it('leave', () => {
    const u = chatMemberUpdate({ chat, from: alice, date, old: member(alice, 'member'), now: member(alice, 'left') })
    expect(event(u)).toMatchObject({ event: 'leave', direction: -1, joinSource: null, actorId: null })
  })

  it('kick (removed by an admin)', () => {
    const u = chatMemberUpdate({ chat, from: admin, date, old: member(alice, 'member'), now: member(alice, 'left') })
    expect(event(u)).toMatchObject({ event: 'kick', direction: -1, joinSource: null, actorId: admin.id })
  })

  it('ban (status kicked)', () => {
    const u = chatMemberUpdate({ chat, from: admin, date, old: member(alice, 'member'), now: member(alice, 'kicked', { until_date: 0 }) })
    expect(event(u)).toMatchObject({ event: 'ban', direction: -1, joinSource: null, actorId: admin.id })
  })

  it('unban (kicked → left) moves nobody', () => {
    const u = chatMemberUpdate({ chat, from: admin, date, old: member(alice, 'kicked', { until_date: 0 }), now: member(alice, 'left') })
    expect(event(u)).toMatchObject({ event: 'unban', direction: 0, joinSource: null, actorId: admin.id })
  })

  it('join through a chat folder invite link', () => {
    const u = asUpdate({ chat_member: {
      chat, from: alice, date, old_chat_member: member(alice, 'left'), new_chat_member: member(alice, 'member'),
      via_chat_folder_invite_link: true,
    } })
    expect(event(u)).toMatchObject({ event: 'join', direction: 1, joinSource: 'folder_link', actorId: null })
  })

  it('a permission change of someone who stays a member is not an event', () => {
    const u = chatMemberUpdate({
      chat, from: admin, date, old: member(alice, 'member'), now: member(alice, 'restricted', { is_member: true, can_send_messages: false }),
    })
    expect(skipped(u)).toMatch(/no membership change/)
  })

  it('a chat_member update dated before Telegram or in 2100 is skipped as one to warn about', () => {
    for (const d of [86_400, 4_102_444_800]) {
      const u = chatMemberUpdate({ chat, from: alice, date: d, old: member(alice, 'left'), now: member(alice, 'member') })
      expect(skipped(u)).toMatch(/date/)
      expect(mapUpdate(u, BOT)).toMatchObject({ bad: true })
    }
  })

  it("an update dated days ahead of this machine's clock is stored: Telegram's clock is the one that counts", () => {
    const ahead = Math.floor(Date.now() / 1000) + 3 * 86_400
    const u = chatMemberUpdate({ chat, from: alice, date: ahead, old: member(alice, 'left'), now: member(alice, 'member') })
    expect(rowsOf(u).memberEvents.map((e) => e.date)).toEqual([ahead])
  })
})

describe('synthetic messages', () => {
  const chat = group(-1002000000002, 'Texts')
  const bob = user(601, 'Bob')

  it('an admin adding two people and the bot: two added joins with the admin as actor, none for the bot', () => {
    const admin = user(900, 'Admin')
    const carl = user(610, 'Carl')
    const dora = user(611, 'Dora')
    const rows = rowsOf(messageUpdate({
      message_id: 30, date: T0, chat, from: admin, new_chat_members: [carl, user(BOT, 'Me', { is_bot: true }), dora],
    }))
    expect(rows.memberEvents.map((e) => [e.userId, e.event, e.joinSource, e.actorId, e.origin, e.messageId])).toEqual([
      [carl.id, 'join', 'added', admin.id, 'service_message', 30], [dora.id, 'join', 'added', admin.id, 'service_message', 30],
    ])
    expect(rows.messages).toEqual([])
  })

  it('a self join service message has no actor', () => {
    const rows = rowsOf(messageUpdate({ message_id: 31, date: T0, chat, from: bob, new_chat_members: [bob] }))
    expect(rows.memberEvents.map((e) => [e.userId, e.joinSource, e.actorId])).toEqual([[bob.id, 'self', null]])
  })

  it('a bot sender is typed bot; an automatic forward from the linked channel is typed channel without the 777000 user', () => {
    const fromBot = rowsOf(messageUpdate(textMessage({ chat, messageId: 32, date: T0, from: user(88, 'Helper', { is_bot: true }) })))
    expect(fromBot.messages[0]).toMatchObject({ senderId: 88, senderType: 'bot' })
    const linked = { id: -1003000000002, type: 'channel', title: 'News' }
    const auto = rowsOf(messageUpdate(textMessage({
      chat, messageId: 33, date: T0, from: user(777000, 'Telegram'), extra: { sender_chat: linked, is_automatic_forward: true,
        forward_origin: { type: 'channel', chat: linked, message_id: 5, date: T0 - 1 } },
    })))
    expect(auto.messages[0]).toMatchObject({ senderId: linked.id, senderType: 'channel', isForward: true })
    expect(auto.users).toEqual([])
  })

  it('edited_message in a group becomes an edit row with the edited metrics', () => {
    const edited = { ...textMessage({ chat, messageId: 10, date: T0, from: bob, text: 'new text 👍' }), edit_date: T0 + 60 }
    const rows = rowsOf(editUpdate(edited, 77))
    expect(rows.messages).toEqual([])
    expect(rows.edits).toEqual([{
      chatId: chat.id, messageId: 10, date: T0, editDate: T0 + 60, threadId: null, senderId: bob.id, senderType: 'user',
      replyToMessageId: null, isForward: false, kind: 'text', textLength: 10, linkCount: 0, mentionCount: 0, hashtagCount: 0, updateId: 77,
    }])
  })

  it('an edit dated in 2100 is skipped', () => {
    const edited = { ...textMessage({ chat, messageId: 10, date: T0, from: bob }), edit_date: 4_102_444_800 }
    expect(skipped(editUpdate(edited))).toMatch(/edit_date/)
  })

  it('custom-emoji and paid reactions are keyed custom:<id> and paid', () => {
    const rows = rowsOf(reactionUpdate({
      chat, messageId: 3, date: T0, user: bob, old: [emoji('👍')], now: [customEmoji('5368324170671202286'), paid(), emoji('❤')],
    }))
    expect(rows.reactions[0]).toMatchObject({ oldReactions: ['👍'], newReactions: ['custom:5368324170671202286', 'paid', '❤'], added: 3 })
    const counts = rowsOf(reactionCountUpdate({ chat, messageId: 3, date: T0, counts: [[customEmoji('42'), 5], [paid(), 7]] }))
    // 7 Stars sent, not 7 people: kept as they came, not in the total of reactions.
    expect(counts.reactionCounts[0]).toMatchObject({ reactions: [{ key: 'custom:42', count: 5 }, { key: 'paid', count: 7 }], total: 5 })
  })

  it('links, mentions and hashtags are counted from entities; the text is not kept in any row', () => {
    const text = 'SECRET-7f3a see https://a.example and docs, @alice and Carol #news #tg bold'
    const at = (s: string) => text.indexOf(s)
    const entities = [
      { type: 'url', offset: at('https://'), length: 17 },
      { type: 'text_link', offset: at('docs'), length: 4, url: 'https://b.example' },
      { type: 'mention', offset: at('@alice'), length: 6 },
      { type: 'text_mention', offset: at('Carol'), length: 5, user: user(777, 'Carol') },
      { type: 'hashtag', offset: at('#news'), length: 5 },
      { type: 'hashtag', offset: at('#tg'), length: 3 },
      { type: 'bold', offset: at('bold'), length: 4 },
      { type: 'email', offset: 0, length: 3 },
    ]
    const rows = rowsOf(messageUpdate(textMessage({ chat, messageId: 11, date: T0, from: bob, text, entities })))
    expect(rows.messages[0]).toMatchObject({ linkCount: 2, mentionCount: 2, hashtagCount: 2, textLength: text.length, kind: 'text' })
    expect(allStrings(rows).filter((s) => s.includes('SECRET-7f3a') || s.includes('https://'))).toEqual([])
  })

  it('caption entities of a photo are counted too', () => {
    const caption = 'look #cats www.example.com'
    const m = {
      message_id: 12, date: T0, chat, from: bob, photo: [{ file_id: 'x', file_unique_id: 'x', width: 1, height: 1 }], caption,
      caption_entities: [{ type: 'hashtag', offset: 5, length: 5 }, { type: 'url', offset: 11, length: 15 }],
    }
    expect(rowsOf(messageUpdate(m)).messages[0]).toMatchObject({ kind: 'photo', textLength: 26, linkCount: 1, hashtagCount: 1 })
  })

  it('odd Unicode in names and titles is kept exactly; NUL is stripped', () => {
    const names = {
      rtl: '\u200Fمحمد\u200E \u202Eabc\u202C',
      zwj: '👨\u200D👩\u200D👧\u200D👦 family',
      cjk: '李雷 韩梅梅',
      arabic: 'عبد الرحمن',
    }
    const withNul = { ...user(602, 'A\u0000B'), last_name: names.rtl, username: 'nul_user' }
    const m = textMessage({
      chat: group(-1002000000003, `${names.cjk}\u0000${names.zwj}`), messageId: 13, date: T0, from: withNul,
      extra: {},
    })
    const rows = rowsOf(messageUpdate(m))
    expect(rows.users[0]).toMatchObject({ firstName: 'AB', lastName: names.rtl, username: 'nul_user' })
    expect(rows.chats[0]!.title).toBe(`${names.cjk}${names.zwj}`)
    const arabic = rowsOf(messageUpdate(textMessage({ chat, messageId: 14, date: T0, from: user(603, names.arabic, { last_name: names.zwj }) })))
    expect(arabic.users[0]).toMatchObject({ firstName: names.arabic, lastName: names.zwj })
  })

  it('a 100,000-character text is measured in code points (an emoji is one)', () => {
    // 99,000 ASCII letters, 500 emoji outside the BMP, 500 CJK characters: 100,000 characters, 100,500 UTF-16 units.
    const text = 'a'.repeat(99_000) + '😀'.repeat(500) + '字'.repeat(500)
    expect(text.length).toBe(100_500)
    const rows = rowsOf(messageUpdate(textMessage({ chat, messageId: 15, date: T0, from: bob, text })))
    expect(rows.messages[0]!.textLength).toBe(Array.from(text).length)
    expect(rows.messages[0]!.textLength).toBe(100_000)
  })

  it('a message without `from` has an unknown sender and adds no user', () => {
    const rows = rowsOf(messageUpdate(textMessage({ chat, messageId: 16, date: T0, text: 'who?' })))
    expect(rows.messages[0]).toMatchObject({ senderId: null, senderType: 'unknown' })
    expect(rows.users).toEqual([])
  })

  it('a message from a channel (sender_chat ≠ chat) is a channel message and stores that channel', () => {
    const channel = { id: -1003000000001, type: 'channel', title: 'Linked channel' }
    const rows = rowsOf(messageUpdate(textMessage({ chat, messageId: 17, date: T0, from: user(136817688, 'Channel', { is_bot: true }), extra: { sender_chat: channel } })))
    expect(rows.messages[0]).toMatchObject({ senderId: channel.id, senderType: 'channel' })
    expect(rows.users).toEqual([])
    expect(rows.chats.map((c) => c.chatId).sort((a, b) => a - b)).toEqual([chat.id, channel.id].sort((a, b) => a - b))
  })

  it('dates in 1970 and in 2100 are skipped without throwing, for every update kind', () => {
    for (const d of [1, 86_400, 4_102_444_800]) {
      expect(skipped(messageUpdate(textMessage({ chat, messageId: 18, date: d, from: bob })))).toMatch(/date/)
      expect(skipped(reactionUpdate({ chat, messageId: 18, date: d, user: bob, old: [], now: [emoji('👍')] }))).toMatch(/date/)
      expect(skipped(reactionCountUpdate({ chat, messageId: 18, date: d, counts: [[emoji('👍'), 1]] }))).toMatch(/date/)
    }
  })

  it('malformed updates are skipped, never thrown', () => {
    const odd: Update[] = [
      asUpdate({}),
      asUpdate({ message: { message_id: 1, date: T0 } }),
      asUpdate({ message: { message_id: 1, date: 'yesterday', chat } }),
      asUpdate({ message_reaction: { chat, message_id: 1, date: T0, old_reaction: [], new_reaction: [] } }),
      asUpdate({ chat_member: { chat, date: T0 } }),
    ]
    for (const u of odd) expect(() => skipped(u)).not.toThrow()
  })
})
