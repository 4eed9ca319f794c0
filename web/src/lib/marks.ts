// The status marks of a leaf and the "unfinished" rule, as the criteria tree and the
// work queue show them. Display only: the server decides what may be edited.
import type { FileDetail, Leaf } from './types'

export function isAppraiser(f: { assigned_fields: string[] }) {
  return f.assigned_fields.length > 0
}

// Whether a leaf is in the person's part of the file (an appraiser's fields).
export function inScope(f: { assigned_fields: string[] }, leaf: Leaf) {
  return f.assigned_fields.length === 0 || f.assigned_fields.includes('*') || f.assigned_fields.includes(leaf.field)
}

// Out of the maximum: decided not evaluated (by the secretariat, or a claim the
// appraiser confirmed), or claimed by the agency and not yet decided.
export const outOfMaximum = (leaf: Leaf) => leaf.not_evaluated || leaf.claim === 'claimed'

// A claim waiting for the appraiser's confirmation or rejection (round one).
export const claimPending = (leaf: Leaf) => leaf.claim === 'claimed' && !leaf.not_evaluated

export function marksOf(f: FileDetail, leaf: Leaf): string[] {
  if (leaf.not_evaluated) return leaf.claim === 'confirmed' ? ['not_evaluated', 'claim_confirmed'] : ['not_evaluated']
  if (leaf.method !== 'self') return ['survey']
  const ev = f.evidence[leaf.code]
  if (claimPending(leaf)) return ev && ev.drafts + ev.sealed > 0 ? ['claimed', 'evidence'] : ['claimed']
  const out: string[] = []
  if (leaf.claim === 'rejected') out.push('claim_rejected')
  if (leaf.needs_explanation) out.push(leaf.explanation_response ? 'answered' : 'flagged')
  if (leaf.round1_score !== null || leaf.round2_score !== null) out.push('appraised')
  if (leaf.self_score !== null) out.push('scored')
  if (ev && ev.drafts + ev.sealed > 0) out.push('evidence')
  if (out.length === 0) out.push('not_started')
  return out
}

// What is still to do on a leaf for this person at this stage.
export function unfinished(f: FileDetail, leaf: Leaf): boolean {
  if (leaf.not_evaluated || leaf.method !== 'self' || !inScope(f, leaf)) return false
  const ev = f.evidence[leaf.code]
  switch (f.state) {
    // A claim is the agency's answer on that leaf; the appraiser's to decide.
    case 'self_assessment': return !claimPending(leaf) && (leaf.self_score === null || !ev || ev.drafts + ev.sealed === 0)
    case 'round1': return claimPending(leaf) || leaf.round1_score === null
    case 'explanation_window': return leaf.needs_explanation && !leaf.explanation_response
    case 'round2': return leaf.needs_explanation && leaf.round2_score === null
    default: return false
  }
}

// The leaves a person moves through one by one: self-scored, in their scope.
export function sequence(f: FileDetail): Leaf[] {
  return f.assessment.leaves.filter((l) => l.method === 'self' && inScope(f, l))
}
