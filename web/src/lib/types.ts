// The shapes of the parix API's JSON (docs/openapi.yaml) that the UI reads.

export type Role =
  | 'admin' | 'secretariat' | 'agency_editor' | 'agency_head' | 'appraiser' | 'council_member' | 'auditor'

export type Stage =
  | 'self_assessment' | 'round1' | 'explanation_window' | 'round2' | 'council' | 'approved' | 'published'

export interface User {
  id: number
  username: string
  display_name: string
  role: Role
  unit: string | null
  version: number
}

export interface Problem {
  type?: string
  title: string
  status: number
  detail: string
  code: string
  field?: string
  request_id?: string
  current?: Leaf
  [key: string]: unknown
}

export interface Counts {
  leaves: number
  self_scored: number
  with_evidence: number
  round1_scored: number
  flagged: number
  answered: number
  round2_scored: number
  not_evaluated: number
}

export interface ScoreSummary {
  achieved: string
  applicable_max: string
  index: string | null  // null where nothing is applicable
  class: string | null
}

export interface DeskFile {
  id: number
  campaign: { id: number; year: number; name: string; time_zone: string; grace_minutes: number }
  unit: { code: string; name: string }
  group: string
  criteria_set: string
  state: Stage
  version: number
  server_time: string
  open_until: string | null
  deadline: string
  late: boolean
  counts: Counts
  score: ScoreSummary
  assigned_fields: string[]
  events: string[]
  editable: string[]
}

export interface Leaf {
  code: string
  title: string
  max: string
  method: 'self' | 'survey' | 'external'
  bonus: boolean
  field: string
  self_score: string | null
  self_explanation: string | null
  not_evaluated: boolean
  not_evaluated_reason: string | null
  // The agency may claim "not evaluated" on the leaves the campaign lists for its unit;
  // the appraiser confirms or rejects the claim in round one (docs/workflow.md).
  claimable: boolean
  claim: 'claimed' | 'confirmed' | 'rejected' | null
  claim_reason: string | null
  round1_score: string | null
  round1_remark: string | null
  needs_explanation: boolean
  explanation_response: string | null
  round2_score: string | null
  round2_remark: string | null
  imported_score: string | null
  final_score: string | null
  late: boolean
  version: number
}

export interface FieldScore {
  code: string
  achieved: string
  max: string
  index: string
}

export interface AssessmentEvent {
  event: string
  from: string
  to: string
  at: string
  actor: string
  role: string
  reason: string | null
  until: string | null
}

export interface Assessment {
  id: number
  campaign: { id: number; year: number; name: string }
  unit: { code: string; name: string }
  state: Stage
  version: number
  server_time: string
  open_until: string | null
  deadline: string
  window_closes_at: string | null
  flagged: number
  missing_round1: number
  score: ScoreSummary & { fields: FieldScore[]; adjustments: string; survey_achieved: string }
  leaves: Leaf[]
  events: AssessmentEvent[]
}

export interface TreeNode {
  code: string
  title: string
  max: string
  depth: number
  leaf: boolean
  bonus?: boolean
}

export interface FileDetail extends DeskFile {
  assessment: Assessment
  nodes: TreeNode[]
  evidence: Record<string, { drafts: number; sealed: number }>
}

export interface EvidenceFile {
  id: number
  criterion: string
  file_name: string
  size: number
  sha256: string
  kind: string
  content_type: string
  state: 'draft' | 'removed' | 'sealed'
  stage: string
  attached_at: string
  attached_by: string
  late: boolean
  document: { number: string | null; issue_date: string | null; issuer: string | null; summary: string | null }
  download: string
}

export interface EvidenceVersion {
  id: number
  version: number
  stage: string
  sealed_at: string
  sealed_by: string
  archive_sha256: string
  files: EvidenceFile[]
  archive: string
  statement: string
  signature_status: string
}

export interface EvidenceList {
  code: string
  drafts: EvidenceFile[]
  removed: EvidenceFile[]
  versions: EvidenceVersion[]
}

export interface RankingRow {
  rank: number
  unit: string
  unit_name: string
  state: string
  score: ScoreSummary
}
