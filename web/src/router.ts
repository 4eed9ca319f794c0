// Pages by address. Every page but sign-in needs a signed-in user.
import { createRouter, createWebHistory } from 'vue-router'
import { loadUser, user } from './lib/session'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'home', component: () => import('./pages/HomePage.vue') },
    { path: '/signin', name: 'signin', component: () => import('./pages/SignInPage.vue'), meta: { public: true } },
    { path: '/account', name: 'account', component: () => import('./pages/AccountPage.vue') },
    { path: '/files/:id', name: 'file', component: () => import('./pages/FilePage.vue'), props: (r) => ({ id: Number(r.params.id) }) },
    { path: '/files/:id/leaves/:code', name: 'leaf', component: () => import('./pages/LeafPage.vue'), props: (r) => ({ id: Number(r.params.id), code: String(r.params.code) }) },
    { path: '/files/:id/submit', name: 'submit', component: () => import('./pages/SubmitPage.vue'), props: (r) => ({ id: Number(r.params.id) }) },
    { path: '/files/:id/submitted', name: 'submitted', component: () => import('./pages/SubmittedPage.vue'), props: (r) => ({ id: Number(r.params.id) }) },
    { path: '/files/:id/window', name: 'window', component: () => import('./pages/WindowPage.vue'), props: (r) => ({ id: Number(r.params.id) }) },
    { path: '/:rest(.*)*', name: 'notfound', component: () => import('./pages/NotFoundPage.vue'), meta: { public: true } },
  ],
  scrollBehavior: () => ({ top: 0 }),
})

// Who is signed in is asked once per page load, on every page (public ones too, so
// that their header and the language switch know the user).
let asked = false
router.beforeEach(async (to) => {
  if (!asked) {
    asked = true
    await loadUser()
  }
  if (to.meta.public) return true
  if (!user.value && !(await loadUser())) return { name: 'signin', query: { next: to.fullPath } }
  return true
})

// The page's heading gets the focus after a move, as a screen reader user expects.
router.afterEach(() => {
  setTimeout(() => document.querySelector<HTMLElement>('main h1')?.focus(), 50)
})
