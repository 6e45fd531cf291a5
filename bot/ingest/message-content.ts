import type { Message, MessageEntity } from 'grammy/types'
import type { MessageContent, MessageKind } from './rows.ts'

// Checked in order: a photo with a caption is a photo; an animation also carries `document`.
const KIND_FIELDS: [keyof Message, MessageKind][] = [
  ['animation', 'animation'],
  ['photo', 'photo'],
  ['video', 'video'],
  ['sticker', 'sticker'],
  ['voice', 'voice'],
  ['video_note', 'video_note'],
  ['audio', 'audio'],
  ['document', 'document'],
  ['poll', 'poll'],
  ['venue', 'location'],
  ['location', 'location'],
  ['contact', 'contact'],
  ['dice', 'dice'],
  ['story', 'story'],
  ['text', 'text'],
]

// Service messages describe an event, not something a member said; they are not counted as messages.
const SERVICE_FIELDS = new Set<string>([
  'new_chat_members', 'left_chat_member', 'new_chat_title', 'new_chat_photo', 'delete_chat_photo',
  'group_chat_created', 'supergroup_chat_created', 'channel_chat_created', 'message_auto_delete_timer_changed',
  'migrate_to_chat_id', 'migrate_from_chat_id', 'pinned_message', 'successful_payment', 'refunded_payment',
  'users_shared', 'chat_shared', 'connected_website', 'write_access_allowed', 'passport_data',
  'proximity_alert_triggered', 'boost_added', 'chat_background_set', 'forum_topic_created', 'forum_topic_edited',
  'forum_topic_closed', 'forum_topic_reopened', 'general_forum_topic_hidden', 'general_forum_topic_unhidden',
  'giveaway_created', 'giveaway_completed', 'video_chat_scheduled', 'video_chat_started', 'video_chat_ended',
  'video_chat_participants_invited', 'web_app_data', 'gift', 'unique_gift', 'paid_message_price_changed',
  'direct_message_price_changed', 'checklist_tasks_done', 'checklist_tasks_added', 'suggested_post_approved',
  'suggested_post_approval_failed', 'suggested_post_declined', 'suggested_post_paid', 'suggested_post_refunded',
])

const KIND_RANK = new Map<string, number>(KIND_FIELDS.map(([field], rank) => [field, rank]))

/** One pass over the message's own keys (a handful) rather than probing every known field. */
function scanKeys(message: Message): { rank: number; service: boolean } {
  let rank = KIND_FIELDS.length
  let service = false
  for (const key in message) {
    const r = KIND_RANK.get(key)
    if (r !== undefined && r < rank) rank = r
    else if (SERVICE_FIELDS.has(key)) service = true
  }
  return { rank, service }
}

/** Kind and text metrics, or undefined for a service message; the text itself is never kept. */
export function messageContent(message: Message): MessageContent | undefined {
  const { rank, service } = scanKeys(message)
  if (service) return undefined
  const text = message.text ?? message.caption ?? ''
  const entities: MessageEntity[] = message.entities ?? message.caption_entities ?? []
  let linkCount = 0
  let mentionCount = 0
  let hashtagCount = 0
  for (const entity of entities) {
    if (entity.type === 'url' || entity.type === 'text_link') linkCount++
    else if (entity.type === 'mention' || entity.type === 'text_mention') mentionCount++
    else if (entity.type === 'hashtag') hashtagCount++
  }
  return {
    kind: KIND_FIELDS[rank]?.[1] ?? 'other',
    textLength: codePointLength(text),
    linkCount: clampSmallint(linkCount),
    mentionCount: clampSmallint(mentionCount),
    hashtagCount: clampSmallint(hashtagCount),
  }
}

/** Characters as a person counts them: an emoji outside the BMP is one, not two UTF-16 units. */
export function codePointLength(text: string): number {
  let surrogates = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const p = text.charCodeAt(i - 1)
      if (p >= 0xd800 && p <= 0xdbff) surrogates++
    }
  }
  return text.length - surrogates
}

function clampSmallint(n: number): number {
  return Math.min(n, 32_767)
}
