// The one typed client of the parix API: every page calls these functions, none calls
// fetch itself. Problems (RFC 9457) become ApiError; 401 sends the person to the
// sign-in page (what they typed is kept by the page's draft, see drafts.ts).
import type {
  Assessment, DeskFile, EvidenceFile, EvidenceList, FileDetail, Leaf, Problem, RankingRow, User,
} from './types'
import { currentLanguage } from './i18n'

export class ApiError extends Error {
  constructor(public problem: Problem, public etag?: string) {
    super(problem.detail || problem.title)
  }
  get status() { return this.problem.status }
  get code() { return this.problem.code }
}

// Called when the session has ended (expired, signed out elsewhere): set by the app.
let onUnauthenticated: (() => void) | null = null
export function whenUnauthenticated(f: () => void) { onUnauthenticated = f }

interface Options {
  method?: string
  body?: unknown
  ifMatch?: number
  // A 401 on sign-in itself is a wrong password, not an ended session.
  signingIn?: boolean
}

async function call<T>(path: string, o: Options = {}): Promise<{ data: T; etag: string | null }> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': currentLanguage(),
  }
  if (o.body !== undefined) headers['Content-Type'] = 'application/json'
  if (o.ifMatch !== undefined) headers['If-Match'] = `"v${o.ifMatch}"`
  let res: Response
  try {
    res = await fetch(path, {
      method: o.method ?? 'GET',
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      credentials: 'same-origin',
    })
  } catch {
    throw new ApiError({ title: '', detail: '', status: 0, code: 'network_error' })
  }
  const etag = res.headers.get('ETag')
  if (res.status === 204) return { data: undefined as T, etag }
  const text = await res.text()
  let json: unknown = null
  try { json = text ? JSON.parse(text) : null } catch { json = null }
  if (!res.ok) {
    const problem: Problem = json && typeof json === 'object'
      ? (json as Problem)
      : { title: res.statusText, detail: text.slice(0, 200), status: res.status, code: 'http_' + res.status }
    if (res.status === 401 && !o.signingIn && onUnauthenticated) onUnauthenticated()
    throw new ApiError(problem, etag ?? undefined)
  }
  return { data: json as T, etag }
}

const get = async <T>(path: string) => (await call<T>(path)).data

export interface LoginAnswer { token: string; expires_at: string; idle_timeout_seconds: number; user: User }

export const api = {
  login: (username: string, password: string) =>
    call<LoginAnswer>('/api/v1/auth/login', { method: 'POST', body: { username, password }, signingIn: true })
      .then((r) => r.data),
  logout: () => call<void>('/api/v1/auth/logout', { method: 'POST', body: {} }),
  // Quiet about 401: asking who is signed in is how the app learns that nobody is.
  me: () => call<User>('/api/v1/me', { signingIn: true }).then((r) => r.data),
  changePassword: (current_password: string, new_password: string) =>
    call<void>('/api/v1/me/password', { method: 'PUT', body: { current_password, new_password } }),
  preferences: () =>
    call<{ language: 'vi' | 'en' | null }>('/api/v1/me/preferences', { signingIn: true }).then((r) => r.data),
  setLanguage: (language: 'vi' | 'en') =>
    call<{ language: string }>('/api/v1/me/preferences', { method: 'PUT', body: { language } }),

  desk: () => get<{ server_time: string; files: DeskFile[] }>('/api/v1/desk'),
  file: (id: number) => get<FileDetail>(`/api/v1/desk/files/${id}`),
  editLeaf: (id: number, code: string, version: number, body: Record<string, unknown>) =>
    call<Leaf>(`/api/v1/assessments/${id}/leaves/${encodeURIComponent(code)}`, {
      method: 'PATCH', body, ifMatch: version,
    }).then((r) => r.data),
  fire: (id: number, body: { event: string; until?: string; reason?: string; confirm_missing_self_scores?: boolean }) =>
    call<Assessment>(`/api/v1/assessments/${id}/events`, { method: 'POST', body }).then((r) => r.data),
  evidence: (id: number, code: string) =>
    get<EvidenceList>(`/api/v1/assessments/${id}/leaves/${encodeURIComponent(code)}/evidence`),
  attach: (id: number, code: string, upload_id: string, document: Record<string, string>) =>
    call<EvidenceFile>(`/api/v1/assessments/${id}/leaves/${encodeURIComponent(code)}/evidence`, {
      method: 'POST', body: { upload_id, document },
    }).then((r) => r.data),
  removeEvidence: (id: number, code: string, file: number) =>
    call<EvidenceFile>(`/api/v1/assessments/${id}/leaves/${encodeURIComponent(code)}/evidence/${file}`, {
      method: 'DELETE',
    }),
  ranking: (campaign: number) =>
    get<{ groups: Record<string, RankingRow[]> }>(`/api/v1/campaigns/${campaign}/ranking`),
}

// The address of an evidence file's bytes, shown in the browser (PDF, images) or saved.
export const contentUrl = (download: string, inline: boolean) =>
  inline ? `${download}?disposition=inline` : download
