import { pgEnum } from 'drizzle-orm/pg-core'

export const messageKind = pgEnum('message_kind', [
  'text',
  'photo',
  'video',
  'animation',
  'sticker',
  'voice',
  'video_note',
  'document',
  'audio',
  'poll',
  'location',
  'contact',
  'dice',
  'story',
  'other',
])

export const senderType = pgEnum('sender_type', ['user', 'bot', 'anonymous_admin', 'channel', 'unknown'])

export const memberEvent = pgEnum('member_event', ['join', 'leave', 'kick', 'ban', 'unban'])

export const joinSource = pgEnum('join_source', ['self', 'link', 'join_request', 'folder_link', 'added'])

export const eventOrigin = pgEnum('event_origin', ['chat_member', 'service_message'])
