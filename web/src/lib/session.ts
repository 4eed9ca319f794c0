// Who is signed in, and the move to the sign-in page (and back) when a session ends.
import { ref } from 'vue'
import type { Router } from 'vue-router'
import { api, whenUnauthenticated } from './api'
import type { User } from './types'
import { initialLanguage, setLanguage, type Language } from './i18n'

export const user = ref<User | null>(null)
export const sessionEnded = ref(false)

// Reads the signed-in user (the cookie is HttpOnly: only the server knows). Never throws.
export async function loadUser(): Promise<User | null> {
  try {
    user.value = await api.me()
    const prefs = await api.preferences()
    if (prefs.language) setLanguage(prefs.language)
  } catch {
    user.value = null
  }
  return user.value
}

export function installSessionGuard(router: Router) {
  setLanguage(initialLanguage())
  whenUnauthenticated(() => {
    const here = router.currentRoute.value
    if (here.name === 'signin') return
    user.value = null
    sessionEnded.value = true
    router.push({ name: 'signin', query: { next: here.fullPath } })
  })
}

export async function chooseLanguage(l: Language) {
  setLanguage(l)
  if (user.value) {
    try { await api.setLanguage(l) } catch { /* kept in the browser anyway */ }
  }
}
