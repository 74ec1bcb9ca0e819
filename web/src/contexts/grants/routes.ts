import { Checked, Finished, Tickets } from '@element-plus/icons-vue'
import type { RouteRecordRaw } from 'vue-router'

import '@/shared/route-meta'

import { APPLICANT_ROLES, PERMISSIONS } from './constants'

const routes: RouteRecordRaw[] = [
  {
    path: '/grants/applications',
    name: 'grants-mine',
    component: () => import('./pages/MyApplicationsPage.vue'),
    meta: {
      roles: APPLICANT_ROLES,
      titleKey: 'grants.mine.title',
      menu: { icon: Tickets, order: 5, tab: true, tabOrder: 5 },
    },
  },
  {
    path: '/grants/applications/:id',
    name: 'grants-application',
    component: () => import('./pages/ApplicationEditorPage.vue'),
    props: true,
    meta: { roles: APPLICANT_ROLES, titleKey: 'grants.editor.title' },
  },
  {
    path: '/grants/recommender',
    name: 'grants-recommender',
    component: () => import('./pages/RecommenderQueuePage.vue'),
    meta: {
      permission: PERMISSIONS.recommend,
      titleKey: 'grants.recommender.title',
      menu: { icon: Checked, order: 6, tab: true, tabOrder: 6 },
    },
  },
  {
    path: '/grants/intake',
    name: 'grants-intake',
    component: () => import('./pages/BureauIntakePage.vue'),
    meta: {
      permission: PERMISSIONS.intake,
      titleKey: 'grants.bureau.title',
      menu: { icon: Finished, order: 7, tab: true, tabOrder: 7 },
    },
  },
]

export default routes
