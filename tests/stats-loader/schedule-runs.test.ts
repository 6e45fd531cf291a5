import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { scheduleRuns } from '../../stats-loader/schedule-runs.ts'

describe('scheduleRuns', () => {
  it('never overlaps runs: ticks during a run are skipped', async () => {
    let running = 0
    let maxRunning = 0
    let runs = 0
    const skipped: string[] = []
    let releaseFirst!: () => void
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve))
    const log = pino({ level: 'warn' }, { write: (line: string) => skipped.push(line) })
    const schedule = scheduleRuns({
      // Every second: the first run is held open until a tick has been skipped.
      pattern: '* * * * * *',
      timeZone: 'UTC',
      log,
      runOnStart: true,
      run: async () => {
        runs++
        running++
        maxRunning = Math.max(maxRunning, running)
        if (runs === 1) await firstHeld
        running--
        return runs >= 2 ? 'stop' : 'continue'
      },
    })
    const waitForSkip = setInterval(() => {
      if (skipped.some((l) => l.includes('previous run still in progress'))) releaseFirst()
    }, 20)
    expect(await schedule.finished).toBe('run_asked_to_stop')
    clearInterval(waitForSkip)
    expect(maxRunning).toBe(1)
    expect(runs).toBe(2)
  })

  it('stop() waits for the run in progress', async () => {
    let finishedRun = false
    const schedule = scheduleRuns({
      pattern: '0 0 1 1 *',
      timeZone: 'UTC',
      log: pino({ level: 'silent' }),
      runOnStart: true,
      run: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50))
        finishedRun = true
        return 'continue'
      },
    })
    await new Promise((resolve) => setTimeout(resolve, 5))
    await schedule.stop()
    expect(finishedRun).toBe(true)
    expect(await schedule.finished).toBe('stopped')
  })
})
