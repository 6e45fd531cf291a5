import { Composer } from 'grammy'
import type { BotContext } from '../context.ts'
import { isChatAdmin } from '../answers/admin-check.ts'
import type { AnswerDeps } from '../answers/answer-deps.ts'
import { GROUPS_ONLY, messageSender, passCommandCooldown } from '../answers/command-gate.ts'
import { formatCount, inert } from '../answers/format.ts'
import { canonicalTimeZone, localTime, utcOffsetLabel } from '../periods.ts'
import { type ZoneChange, ZoneChangeSuperseded } from '../../db/queries/set-chat-time-zone.ts'

const EXAMPLE = 'Example: /timezone Europe/Berlin (or Asia/Kolkata, America/New_York, UTC).'

/** `/timezone` shows the chat's zone; `/timezone <IANA name>` lets an admin change it. */
export function timezoneFeature(deps: AnswerDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>()
  composer.chatType(['group', 'supergroup']).command('timezone', async (ctx) => {
    const chatId = ctx.chat.id
    if (!(await passCommandCooldown(ctx, deps, chatId))) return
    const arg = ctx.match.trim()
    const now = deps.now()
    if (!arg) {
      const { timeZone } = await deps.queries.getChatSettings(deps.sql, chatId)
      await ctx.reply(`Time zone here: ${timeZone} (${utcOffsetLabel(timeZone, now)}, local time ${localTime(timeZone, now)}).\nAdmins can change it. ${EXAMPLE}`)
      return
    }
    if (!(await isChatAdmin(ctx.api, chatId, messageSender(ctx), ctx.log))) {
      await ctx.reply('Only the admins of this chat can change its time zone.')
      return
    }
    const zone = canonicalTimeZone(arg)
    if (!zone) {
      await ctx.reply(`“${inert(arg)}” is not an IANA time zone name.\n${EXAMPLE}`)
      return
    }
    // Rebuild after this update's own rows are in, so none of them is left in the old zone.
    await ctx.stored
    const history = await deps.queries.getMessageCount(deps.sql, chatId)
    if (history >= deps.zoneChangeNoticeMessages) {
      await ctx.reply(`Applying ${zone} to ${formatCount(history)} messages of history. In a chat this size that takes a while; the answers switch over when it is done, and nothing is lost meanwhile.`)
    }
    let change: ZoneChange
    try {
      change = await deps.queries.setChatTimeZone(deps.sql, chatId, zone)
    } catch (error) {
      if (!(error instanceof ZoneChangeSuperseded)) throw error
      await ctx.reply(`Another /timezone for this chat came in while ${zone} was being applied; the last one given applies.`)
      return
    }
    deps.cache.invalidateChats([chatId])
    ctx.log.info({ time_zone: zone, rebuilt_ms: change.rebuiltMs }, 'chat time zone changed')
    change.cleanedUp.catch((error: unknown) => ctx.log.warn({ err: error }, 'could not delete the rollups of the old time zone; retried at the next start'))
    await ctx.reply(`Time zone set to ${zone} (${utcOffsetLabel(zone, now)}, local time ${localTime(zone, now)}). Days, weekdays and hours in every answer now follow it.`)
  })
  composer.chatType('private').command('timezone', (ctx) => ctx.reply(GROUPS_ONLY))
  return composer
}
