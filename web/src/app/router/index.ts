import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'

import grantsRoutes from '@/contexts/grants/routes'
import identityRoutes from '@/contexts/identity/routes'
import servicesRoutes from '@/contexts/services/routes'
import '@/shared/route-meta'

import { installGuards } from './guards'

const routes: RouteRecordRaw[] = [
  // The guard sends `/` to the role's home page.
  { path: '/', name: 'home', component: () => import('./HomeRedirect.vue') },
  ...identityRoutes,
  ...grantsRoutes,
  ...servicesRoutes,
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./NotFoundPage.vue'),
    meta: { layout: 'blank', public: true, titleKey: 'common.notFound.title' },
  },
]

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
})

installGuards(router)
