// Vite builds the UI into dist/: hashed files under dist/assets/ (served immutable by
// parix), index.html with no inline script (the server's CSP forbids it).
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    // Nothing inlined as data: URLs: the CSP allows fonts and images from 'self' only.
    assetsInlineLimit: 0,
    // No module-preload polyfill: it would be an inline script.
    modulePreload: { polyfill: false },
    target: 'es2020',
    sourcemap: false,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
  server: {
    // `npm run dev` proxies the API to a running parix (PARIX_URL, default the quickstart's).
    proxy: {
      '/api': { target: process.env.PARIX_URL ?? 'https://127.0.0.1:8443', secure: false },
    },
  },
})
