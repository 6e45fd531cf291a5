import { Api } from 'telegram'
import { returnBigInt } from 'telegram/Helpers.js'
import { FloodPostponedError, type MtprotoInvoker } from './client.ts'
import type { PeerRef } from './peer-ref.ts'

export type ResolvedPeer = { ref: PeerRef; channel: Api.Channel } | { ref: PeerRef; error: string; postponed?: boolean }

const DIALOG_PAGE = 100
const MAX_DIALOG_PAGES = 20

/**
 * Turns configured peers into channels with access hashes: usernames through
 * contacts.resolveUsername; numeric ids from the account's dialogs, because an id alone carries
 * no access hash (the account must be a member, which an admin is).
 */
export async function resolvePeers(client: MtprotoInvoker, refs: readonly PeerRef[]): Promise<ResolvedPeer[]> {
  const wantedIds = refs.flatMap((r) => (r.kind === 'id' ? [r.channelId.toString()] : []))
  const byId = wantedIds.length > 0 ? await channelsFromDialogs(client, new Set(wantedIds)) : new Map<string, Api.Channel>()
  const resolved: ResolvedPeer[] = []
  for (const ref of refs) {
    if (ref.kind === 'id') {
      const channel = byId.get(ref.channelId.toString())
      resolved.push(channel ? { ref, channel } : { ref, error: 'not found among the account’s chats; is the account a member?' })
      continue
    }
    try {
      const answer = await client.invoke(new Api.contacts.ResolveUsername({ username: ref.username }))
      const channel = answer.chats.find(
        (c): c is Api.Channel => c instanceof Api.Channel && answer.peer instanceof Api.PeerChannel && c.id.equals(answer.peer.channelId),
      )
      resolved.push(channel ? { ref, channel } : { ref, error: `@${ref.username} is not a channel or supergroup` })
    } catch (error) {
      // resolveUsername has tight flood limits of its own; a long wait postpones the peer like any other.
      const postponed = error instanceof FloodPostponedError
      resolved.push({ ref, error: `@${ref.username} could not be resolved: ${(error as Error).message}`, postponed })
    }
  }
  return resolved
}

async function channelsFromDialogs(client: MtprotoInvoker, wanted: Set<string>): Promise<Map<string, Api.Channel>> {
  const found = new Map<string, Api.Channel>()
  let offsetDate = 0
  let offsetId = 0
  let offsetPeer: Api.TypeInputPeer = new Api.InputPeerEmpty()
  for (let page = 0; page < MAX_DIALOG_PAGES && found.size < wanted.size; page++) {
    const answer = await client.invoke(
      new Api.messages.GetDialogs({ offsetDate, offsetId, offsetPeer, limit: DIALOG_PAGE, hash: returnBigInt(0) }),
    )
    if (answer instanceof Api.messages.DialogsNotModified) break
    for (const chat of answer.chats) {
      if (chat instanceof Api.Channel && wanted.has(chat.id.toString())) found.set(chat.id.toString(), chat)
    }
    const last = answer.dialogs.at(-1)
    if (answer instanceof Api.messages.Dialogs || answer.dialogs.length < DIALOG_PAGE || !last) break
    const next = nextOffset(last, answer)
    if (!next) break
    ;({ offsetDate, offsetId, offsetPeer } = next)
  }
  return found
}

function nextOffset(last: Api.TypeDialog, page: Api.messages.DialogsSlice) {
  if (!(last instanceof Api.Dialog)) return undefined
  const peer = last.peer
  const message = page.messages.find((m) => 'id' in m && m.id === last.topMessage && 'date' in m)
  const date = message && 'date' in message ? Number(message.date) : 0
  let offsetPeer: Api.TypeInputPeer | undefined
  if (peer instanceof Api.PeerUser) {
    const user = page.users.find((u) => u.id.equals(peer.userId))
    if (user instanceof Api.User) offsetPeer = new Api.InputPeerUser({ userId: user.id, accessHash: user.accessHash ?? returnBigInt(0) })
  } else if (peer instanceof Api.PeerChat) {
    offsetPeer = new Api.InputPeerChat({ chatId: peer.chatId })
  } else if (peer instanceof Api.PeerChannel) {
    const channel = page.chats.find((c) => c.id.equals(peer.channelId))
    if (channel instanceof Api.Channel) offsetPeer = new Api.InputPeerChannel({ channelId: channel.id, accessHash: channel.accessHash ?? returnBigInt(0) })
  }
  return offsetPeer ? { offsetDate: date, offsetId: last.topMessage, offsetPeer } : undefined
}

export function inputChannel(channel: Api.Channel): Api.InputChannel {
  return new Api.InputChannel({ channelId: channel.id, accessHash: channel.accessHash ?? returnBigInt(0) })
}
