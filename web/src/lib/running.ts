// The running score of a file as far as it is known: each leaf counts its latest score
// (final, round two, round one, self, imported), leaves out of the maximum count
// nothing, and every field's and criterion's maximum is the sum of its applicable
// leaves' maxima, as the server sums them (workflow/scoring.cpp). Before round one the
// server's own score is 0 (it counts appraised scores only), so the agency's running
// total and index preview come from here; after approval the server's figures are shown.
import { fromUnits, toUnits } from './format'
import { outOfMaximum } from './marks'
import type { FileDetail, Leaf } from './types'

export const currentScore = (l: Leaf) =>
  (outOfMaximum(l) ? null : l.final_score ?? l.round2_score ?? l.round1_score ?? l.self_score ?? l.imported_score)

export interface NodeSum { achieved: bigint; max: bigint }
export interface Running {
  achieved: string
  max: string
  index: string | null  // "80.81": percent with two decimals, rounded half up; null: nothing applicable
  nodes: Map<string, NodeSum>  // fields and criteria by code
}

export function indexOf(achieved: bigint, max: bigint): string | null {
  if (max <= 0n) return null
  const hundredths = (achieved * 10000n * 2n + max) / (2n * max)  // round half up
  return `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`
}

export function running(f: FileDetail): Running {
  const nodes = new Map<string, NodeSum>()
  for (const n of f.nodes) if (!n.leaf || n.depth === 1) nodes.set(n.code, { achieved: 0n, max: 0n })
  let achieved = 0n, max = 0n
  for (const l of f.assessment.leaves) {
    const c = currentScore(l)
    const a = c ? toUnits(c) : 0n
    const m = outOfMaximum(l) ? 0n : toUnits(l.max)
    achieved += a
    max += m
    // The leaf's field and criterion are the prefixes of its code ("2", "2.1" of "2.1.2").
    const parts = l.code.split('.')
    for (let i = 1; i <= parts.length; i++) {
      const s = nodes.get(parts.slice(0, i).join('.'))
      if (s) { s.achieved += a; s.max += m }
    }
  }
  return { achieved: fromUnits(achieved), max: fromUnits(max), index: indexOf(achieved, max), nodes }
}

// Whether the server's figures are the result (approved or published: every score is
// final, adjustments included).
export const decided = (state: string) => state === 'approved' || state === 'published'

// The agency's progress over the applicable self leaves. The desk's counts still count a
// leaf whose claim is pending among the applicable ones; this matches the lists shown.
export function selfProgress(f: FileDetail) {
  const applicable = f.assessment.leaves.filter((l) => l.method === 'self' && !outOfMaximum(l))
  const withEvidence = (code: string) => { const e = f.evidence[code]; return !!e && e.drafts + e.sealed > 0 }
  return {
    total: applicable.length,
    scored: applicable.filter((l) => l.self_score !== null).length,
    withEvidence: applicable.filter((l) => withEvidence(l.code)).length,
  }
}
