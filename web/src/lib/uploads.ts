// Evidence uploads with tus (resumable): hashed first in a worker (the server wants the
// whole file's SHA-256 up front), then sent; a cut network is retried and resumed from
// the server's offset; a reload resumes from the upload address kept in localStorage
// (tus's fingerprint) once the person picks the same file again.
import { reactive } from 'vue'
import * as tus from 'tus-js-client'
import { currentLanguage } from './i18n'
import type { Problem } from './types'

export type UploadState =
  | 'hashing' | 'uploading' | 'paused' | 'offline' | 'uploaded' | 'attaching' | 'attached' | 'refused'

export interface UploadItem {
  key: string
  file: File
  state: UploadState
  sent: number
  total: number
  speed: number  // bytes per second, smoothed
  eta: number    // seconds
  problem: Problem | null
  uploadId: string | null
  resumed: boolean
  doc: { number: string; issue_date: string; issuer: string; summary: string }
  upload: tus.Upload | null
}

let counter = 0  // ids of upload rows (element ids: no spaces, unique in the page)
let worker: Worker | null = null
const waiting = new Map<string, (r: { hex?: string; error?: string }) => void>()

function sha256(id: string, file: File): Promise<string> {
  if (!worker) {
    worker = new Worker(new URL('./hash.worker.ts', import.meta.url), { type: 'module' })
    worker.onmessage = (e) => {
      waiting.get(e.data.id)?.(e.data)
      waiting.delete(e.data.id)
    }
  }
  return new Promise((resolve, reject) => {
    waiting.set(id, (r) => (r.hex ? resolve(r.hex) : reject(new Error(r.error))))
    worker!.postMessage({ id, file })
  })
}

// The fingerprint tus keeps the upload's address under: the leaf, the file's name,
// size and time, so that the same file on the same leaf resumes and nothing else does.
const fingerprintOf = (file: File, assessment: number, code: string) =>
  `parix-${assessment}-${code}-${file.name}-${file.size}-${file.lastModified}`

// Retries for a cut line: quick at first, then every 5 s for about five minutes; the
// browser's "online" event restarts at once when the line comes back.
const retryDelays = [0, 1000, 2000, 3000, ...Array(60).fill(5000)]

function problemOf(err: unknown): Problem {
  const res = (err as { originalResponse?: tus.HttpResponse }).originalResponse
  if (res) {
    try {
      const p = JSON.parse(res.getBody()) as Problem
      if (p && p.code) return p
    } catch { /* not JSON */ }
    return { title: '', detail: res.getBody()?.slice(0, 200) ?? '', status: res.getStatus(), code: 'http_' + res.getStatus() }
  }
  return { title: '', detail: '', status: 0, code: 'network_error' }
}

export interface PreviousUpload { name: string; size: number; percent: number; key: string }

export class UploadBatch {
  items = reactive<UploadItem[]>([])
  // The line is back: every upload it cut goes on from the server's offset.
  private online = () => this.items.forEach((i) => {
    if (i.state === 'offline') { i.state = 'uploading'; i.upload?.start() }
  })
  // The browser knows the line is gone: stop at once (the server keeps what arrived)
  // instead of waiting for the request to time out.
  private offline = () => this.items.forEach((i) => {
    if (i.state === 'uploading' && i.upload) { void i.upload.abort(); i.state = 'offline' }
  })

  constructor(private assessment: number, private code: string) {
    window.addEventListener('online', this.online)
    window.addEventListener('offline', this.offline)
  }
  dispose() {
    window.removeEventListener('online', this.online)
    window.removeEventListener('offline', this.offline)
    for (const i of this.items) if (i.state === 'uploading') i.upload?.abort()
  }

  // Uploads the tus fingerprints kept for this leaf (what a reload interrupted).
  async previous(): Promise<PreviousUpload[]> {
    const all: tus.PreviousUpload[] = await tus.defaultOptions.urlStorage.findAllUploads()
    const prefix = `parix-${this.assessment}-${this.code}-`
    return all
      .filter((u) => u.urlStorageKey.includes(prefix))
      .filter((u) => !this.items.some((i) => i.file.name === u.metadata?.filename && i.file.size === u.size))
      .map((u) => ({ name: u.metadata?.filename ?? '?', size: u.size ?? 0, percent: 0, key: u.urlStorageKey }))
  }
  async forget(key: string) {
    await tus.defaultOptions.urlStorage.removeUpload(key)
  }

  add(files: FileList | File[]) {
    for (const file of Array.from(files)) {
      const item = reactive<UploadItem>({
        key: `upload-${++counter}`,
        file, state: 'hashing', sent: 0, total: file.size, speed: 0, eta: Infinity,
        problem: null, uploadId: null, resumed: false,
        doc: { number: '', issue_date: '', issuer: '', summary: '' }, upload: null,
      }) as UploadItem
      this.items.push(item)
      void this.begin(item)
    }
  }

  private async begin(item: UploadItem) {
    const fingerprint = fingerprintOf(item.file, this.assessment, this.code)
    // A file a reload interrupted resumes without hashing again: the server already
    // holds its declared hash.
    const probe = new tus.Upload(item.file, { endpoint: '/api/v1/uploads', fingerprint: async () => fingerprint })
    const previous = await probe.findPreviousUploads()
    let hex = previous[0]?.metadata?.sha256 ?? ''
    if (!hex) {
      try { hex = await sha256(item.key, item.file) } catch (e) {
        item.state = 'refused'
        item.problem = { title: '', detail: String(e), status: 0, code: 'hash_failed' }
        return
      }
    }
    let lastBytes = 0
    let lastAt = performance.now()
    const upload = new tus.Upload(item.file, {
      endpoint: '/api/v1/uploads',
      // One PATCH for the whole file: the server keeps every byte that arrived when a
      // request is cut, so smaller requests would only add round trips.
      chunkSize: Infinity,
      retryDelays,
      fingerprint: async () => fingerprint,
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      headers: { 'Accept-Language': currentLanguage() },
      metadata: {
        filename: item.file.name,
        sha256: hex,
        assessment: String(this.assessment),
        criterion: this.code,
      },
      onShouldRetry: (err) => {
        const status = problemOf(err).status
        // Refusals (type, size, deadline, wrong leaf) are final; a lost line is not.
        const retry = status === 0 || status >= 500 || status === 409 || status === 423
        if (retry && status === 0) item.state = navigator.onLine ? 'uploading' : 'offline'
        return retry && status !== 507
      },
      onProgress: (sent, total) => {
        const now = performance.now()
        if (now - lastAt > 400) {
          const rate = ((sent - lastBytes) * 1000) / (now - lastAt)
          item.speed = item.speed ? item.speed * 0.6 + rate * 0.4 : rate
          lastBytes = sent
          lastAt = now
        }
        item.sent = sent
        item.total = total
        item.eta = item.speed > 0 ? (total - sent) / item.speed : Infinity
        if (item.state === 'offline') item.state = 'uploading'
      },
      onSuccess: () => {
        item.sent = item.total
        item.uploadId = upload.url?.split('/').pop() ?? null
        item.state = 'uploaded'
      },
      onError: (err) => {
        const p = problemOf(err)
        if (p.status === 0) {
          item.state = 'offline'  // the "online" event starts it again
        } else {
          item.state = 'refused'
          item.problem = p
        }
      },
    })
    item.upload = upload
    if (previous.length) {
      upload.resumeFromPreviousUpload(previous[0])
      item.resumed = true
    }
    item.state = 'uploading'
    lastAt = performance.now()
    upload.start()
  }

  pause(item: UploadItem) {
    if (item.state !== 'uploading' && item.state !== 'offline') return
    void item.upload?.abort()
    item.state = 'paused'
  }
  resume(item: UploadItem) {
    if (item.state !== 'paused') return
    item.state = 'uploading'
    item.upload?.start()
  }

  // Bytes of the whole batch, for its progress bar.
  get totals() {
    let sent = 0, total = 0, speed = 0
    for (const i of this.items) {
      if (i.state === 'refused') continue
      sent += i.sent
      total += i.total
      if (i.state === 'uploading') speed += i.speed
    }
    return { sent, total, speed, eta: speed > 0 ? (total - sent) / speed : Infinity }
  }
}
