// SHA-256 of a file off the page's thread (Web Crypto, native speed), so that hashing a
// 200 MB scan never freezes the page.
self.onmessage = async (e: MessageEvent<{ id: string; file: File }>) => {
  const { id, file } = e.data
  try {
    const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer())
    const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
    self.postMessage({ id, hex })
  } catch (err) {
    self.postMessage({ id, error: String(err) })
  }
}
