import { Api } from 'telegram'
import { returnBigInt } from 'telegram/Helpers.js'
import type { MtprotoInvoker } from './client.ts'

export interface ChannelAdmin {
  userId: number
  status: 'creator' | 'administrator'
}

const PAGE = 200

/** The channel's administrators (channels.getParticipants with ChannelParticipantsAdmins). */
export async function loadChannelAdmins(client: MtprotoInvoker, channel: Api.InputChannel): Promise<ChannelAdmin[]> {
  const admins = new Map<number, ChannelAdmin>()
  for (let offset = 0; ; offset += PAGE) {
    const answer = await client.invoke(
      new Api.channels.GetParticipants({ channel, filter: new Api.ChannelParticipantsAdmins(), offset, limit: PAGE, hash: returnBigInt(0) }),
    )
    if (!(answer instanceof Api.channels.ChannelParticipants)) break
    for (const participant of answer.participants) {
      if (participant instanceof Api.ChannelParticipantCreator) {
        const userId = Number(participant.userId.toString())
        admins.set(userId, { userId, status: 'creator' })
      } else if (participant instanceof Api.ChannelParticipantAdmin) {
        const userId = Number(participant.userId.toString())
        admins.set(userId, { userId, status: 'administrator' })
      }
    }
    if (answer.participants.length < PAGE || offset + PAGE >= answer.count) break
  }
  return [...admins.values()]
}
