import type { ResponseParameters } from 'grammy/types'

export interface BotApiErrorInit {
  error_code: number
  description: string
  parameters?: ResponseParameters
}

/** Thrown by a handler (or queued with `failNext`) to make the fake server answer `{ ok: false }`. */
export class BotApiError extends Error {
  readonly error_code: number
  readonly description: string
  readonly parameters: ResponseParameters | undefined

  constructor(init: BotApiErrorInit) {
    super(`${init.error_code}: ${init.description}`)
    this.name = 'BotApiError'
    this.error_code = init.error_code
    this.description = init.description
    this.parameters = init.parameters
  }

  toBody(): { ok: false } & BotApiErrorInit {
    const body = { ok: false as const, error_code: this.error_code, description: this.description }
    return this.parameters ? { ...body, parameters: this.parameters } : body
  }
}

export function badRequest(detail: string): BotApiError {
  return new BotApiError({ error_code: 400, description: `Bad Request: ${detail}` })
}
