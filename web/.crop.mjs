// usage: node crop.mjs IN.png OUT.png Y HEIGHT [WIDTH]
import { chromium } from '@playwright/test'
const [,, input, out, y, h, w = '1366'] = process.argv
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] })
const p = await b.newPage({ viewport: { width: +w, height: +h } })
await p.setContent(`<body style="margin:0"><img src="data:image/png;base64,${(await import('node:fs')).readFileSync(input).toString('base64')}" style="display:block;margin-top:-${y}px"></body>`)
await p.screenshot({ path: out })
await b.close()
