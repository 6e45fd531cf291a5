export interface Ticks {
  /** Tick values from 0 up to and including `max`, evenly spaced by `step`. */
  values: number[]
  step: number
  /** Top of the axis: the last tick, ≥ the data maximum. */
  max: number
}

const STEP_MULTIPLIERS = [1, 2, 2.5, 5, 10]

/**
 * Round axis ticks for a count axis starting at zero: steps of 1, 2, 2.5 or 5 × 10ⁿ, whole numbers
 * only (message counts have no fractions), about `target` intervals.
 */
export function niceTicks(dataMax: number, target = 5): Ticks {
  const top = Number.isFinite(dataMax) && dataMax > 0 ? dataMax : 1
  const rough = top / target
  let step = 1
  if (rough > 1) {
    const magnitude = 10 ** Math.floor(Math.log10(rough))
    // 2.5 × 1 would give fractional ticks, so it is only a candidate from 25 upwards.
    const candidates = STEP_MULTIPLIERS.map((m) => m * magnitude).filter((s) => Number.isInteger(s))
    step = candidates.find((candidate) => candidate >= rough) ?? magnitude * 10
  }
  const intervals = Math.ceil(top / step)
  const values = Array.from({ length: intervals + 1 }, (_, i) => i * step)
  return { values, step, max: intervals * step }
}
