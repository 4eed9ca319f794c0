// The web UI's entry: fonts with Vietnamese glyphs bundled (no outside host), the
// router, and the session guard that sends an ended session to the sign-in page.
import '@fontsource/noto-sans/latin-400.css'
import '@fontsource/noto-sans/latin-700.css'
import '@fontsource/noto-sans/latin-ext-400.css'
import '@fontsource/noto-sans/latin-ext-700.css'
import '@fontsource/noto-sans/vietnamese-400.css'
import '@fontsource/noto-sans/vietnamese-700.css'
import './styles.css'
import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { installSessionGuard } from './lib/session'

installSessionGuard(router)
createApp(App).use(router).mount('#app')
