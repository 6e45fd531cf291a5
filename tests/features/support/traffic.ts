import type { Update } from 'grammy/types'
import { rng } from '../../support/synthetic-updates.ts'
import { type TestChat, type TestUser, Updates } from './updates.ts'

// Names in several scripts, with emoji, and one that looks like a mention.
export const ANNA: TestUser = { id: 101, first_name: 'Anna', last_name: '🌸 Blume', username: 'anna_b' }
export const MOHAMMED: TestUser = { id: 102, first_name: 'محمد', last_name: 'العربي' }
export const ZOE: TestUser = { id: 103, first_name: '@everyone', last_name: 'Zoë 🦊', username: 'zoe_fox' }
export const DANA: TestUser = { id: 104, first_name: 'דנה' }
export const LI: TestUser = { id: 105, first_name: '李雷' }
export const BOB: TestUser = { id: 106, first_name: 'Bob', username: 'bob' }
export const ADMIN: TestUser = { id: 900, first_name: 'Ada', last_name: 'Admin' }
export const PEOPLE = [ANNA, MOHAMMED, ZOE, DANA, LI, BOB, ADMIN]
export const NEWS_CHANNEL = { id: -1002000000777, title: 'News 📰', type: 'channel' as const }

/** How each sender's name reads in the answers, written out by hand. */
export const NAMES = new Map<number, string>([
  [ANNA.id, 'Anna 🌸 Blume'],
  [MOHAMMED.id, 'محمد العربي'],
  [ZOE.id, '@everyone Zoë 🦊'],
  [DANA.id, 'דנה'],
  [LI.id, '李雷'],
  [BOB.id, 'Bob'],
  [ADMIN.id, 'Ada Admin'],
  [NEWS_CHANNEL.id, 'News 📰'],
])

const EMOJI = ['👍', '🔥', '❤', '🎉', '😁']

/**
 * Months of group life between `fromIso` and `toIso`: messages at all hours (some at 23:30 UTC),
 * reactions a few minutes later (sometimes changed), anonymous-admin and channel posts, joins and
 * leaves reported both as service messages and chat_member updates, as Telegram does.
 */
export function groupTraffic(u: Updates, chat: TestChat, fromIso: string, toIso: string, seed = 7): Update[] {
  const random = rng(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const updates: Update[] = []
  const start = Date.parse(fromIso)
  const days = Math.floor((Date.parse(toIso) - start) / 86_400_000)
  const weights = [ANNA, ANNA, ANNA, MOHAMMED, MOHAMMED, ZOE, ZOE, DANA, LI, BOB, ADMIN]
  for (let day = 0; day <= days; day++) {
    const perDay = Math.floor(random() * 9)
    for (let i = 0; i < perDay; i++) {
      const at = new Date(start + day * 86_400_000 + Math.floor(random() * 86_400) * 1000)
      if (at.getTime() > Date.parse(toIso)) continue
      const iso = at.toISOString()
      const roll = random()
      if (roll < 0.05) {
        updates.push(u.asChat(chat, NEWS_CHANNEL, iso, 'channel post'))
        continue
      }
      if (roll < 0.08) {
        updates.push(u.asChat(chat, { id: chat.id, title: chat.title, type: 'supergroup' }, iso, 'from the admins'))
        continue
      }
      const message = u.message(chat, pick(weights), iso, 'hi')
      updates.push(message)
      if (random() < 0.35) {
        const reactedAt = new Date(at.getTime() + 120_000).toISOString()
        const first = [pick(EMOJI)]
        const user = pick(PEOPLE)
        updates.push(u.reaction(chat, user, message.message.message_id, reactedAt, first))
        if (random() < 0.3) {
          // The same person changes the reaction: only emoji not there before count as added.
          const later = new Date(at.getTime() + 600_000).toISOString()
          const changed = [...new Set([pick(EMOJI), pick(EMOJI)])]
          updates.push(u.reaction(chat, user, message.message.message_id, later, changed, first))
        }
      }
    }
    // A late-evening message in UTC, which is already the next day east of Greenwich.
    if (day % 5 === 0 && start + day * 86_400_000 + 84_600_000 <= Date.parse(toIso)) updates.push(u.message(chat, pick(weights), new Date(start + day * 86_400_000 + 84_600_000).toISOString(), 'late'))
    if (random() < 0.2 && day < days) {
      const newcomer: TestUser = { id: 5000 + day, first_name: `Guest ${day}` }
      const iso = new Date(start + day * 86_400_000 + Math.floor(random() * 80_000) * 1000).toISOString()
      const joined = random() < 0.65
      updates.push(u.membership(chat, newcomer, iso, joined))
      updates.push(u.message(chat, newcomer, iso, undefined, joined
        ? { new_chat_members: [{ is_bot: false, ...newcomer }] }
        : { left_chat_member: { is_bot: false, ...newcomer } }))
    }
  }
  return updates
}
