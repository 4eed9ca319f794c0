// What a person types is kept in the tab's sessionStorage as they type, under the
// page's address, until it is saved. An ended session (sign-in page and back) or a
// reload therefore loses nothing. Only a difference from the last saved values is kept:
// once saved (or equal to the server's values again), the draft is gone.
import { reactive, watch } from 'vue'

const prefix = 'parix.draft:'

export function useDraft<T extends object>(key: string, initial: T) {
  let saved: Partial<T> | null = null
  try { saved = JSON.parse(sessionStorage.getItem(prefix + key) ?? 'null') } catch { saved = null }
  let baseline = JSON.stringify(initial)
  const state = reactive({ ...initial, ...(saved ?? {}) }) as T
  const keep = (v: T) => {
    try {
      const now = JSON.stringify(v)
      if (now === baseline) sessionStorage.removeItem(prefix + key)
      else sessionStorage.setItem(prefix + key, now)
    } catch { /* storage full or off: the draft stays in memory only */ }
  }
  const stop = watch(state, keep, { deep: true })
  return {
    state,
    restored: saved !== null,
    stop,
    // The values now saved on the server (after a save, or when taking the server's).
    reset(values: T) {
      baseline = JSON.stringify(values)
      Object.assign(state, values)
      keep(state)
    },
  }
}
