// The server's clock in the browser: a countdown must not trust the PC's clock, which
// may be minutes or days off. The server's `server_time` is taken when an answer
// arrives and moved on by the browser's monotonic clock (performance.now), which a
// person changing the PC's time does not move.
import { onUnmounted, ref } from 'vue'
import { offsetOf, setCampaignOffset } from './format'

let serverAt = 0  // ms since the epoch, per the server
let localAt = 0   // performance.now() when it was read

export function syncServerTime(iso: string) {
  const ms = Date.parse(iso)
  if (!isNaN(ms)) {
    setCampaignOffset(offsetOf(iso))
    serverAt = ms
    localAt = performance.now()
  }
}

export const serverNow = () => serverAt + (performance.now() - localAt)

// A ref of the server's "now", ticking every second while the component lives.
export function useServerNow() {
  const now = ref(serverNow())
  const timer = setInterval(() => { now.value = serverNow() }, 1000)
  onUnmounted(() => clearInterval(timer))
  return now
}
