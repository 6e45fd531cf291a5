import { GrammyError, InputFile, type InlineKeyboard } from 'grammy'
import type { BotContext } from '../context.ts'
import type { Answer } from './answer-cache.ts'

const NO_PREVIEW = { is_disabled: true } as const

/** Sends the answer as a reply to the command (ctx.reply keeps a forum topic's thread). */
export async function replyWithAnswer(ctx: BotContext, answer: Answer, keyboard: InlineKeyboard): Promise<void> {
  const reply_parameters = ctx.msg ? { message_id: ctx.msg.message_id, allow_sending_without_reply: true } : undefined
  if (answer.kind === 'photo') {
    await ctx.replyWithPhoto(new InputFile(answer.photo, 'chart.png'), { caption: answer.caption, reply_markup: keyboard, reply_parameters })
  } else {
    await ctx.reply(answer.text, { reply_markup: keyboard, reply_parameters, link_preview_options: NO_PREVIEW })
  }
}

export type EditOutcome = 'edited' | 'unchanged' | 'gone'

/** Replaces the message the pressed button sits under; photos through editMessageMedia. */
export async function editToAnswer(ctx: BotContext, answer: Answer, keyboard: InlineKeyboard): Promise<EditOutcome> {
  try {
    if (answer.kind === 'photo') {
      await ctx.editMessageMedia(
        { type: 'photo', media: new InputFile(answer.photo, 'chart.png'), caption: answer.caption },
        { reply_markup: keyboard },
      )
    } else {
      await ctx.editMessageText(answer.text, { reply_markup: keyboard, link_preview_options: NO_PREVIEW })
    }
    return 'edited'
  } catch (error) {
    if (!(error instanceof GrammyError) || error.error_code !== 400) throw error
    const description = error.description.toLowerCase()
    if (description.includes('not modified')) return 'unchanged'
    if (/message to edit not found|can't be edited|message_id_invalid|there is no (text|media)/.test(description)) return 'gone'
    throw error
  }
}
