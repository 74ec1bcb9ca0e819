import { Checked, Finished, Setting, Tickets } from '@element-plus/icons-vue'
import type { RouteRecordRaw } from 'vue-router'

import '@/shared/route-meta'

import { APPLICANT_ROLES, PERMISSIONS } from './constants'
import projectRoutes from './projectRoutes'
import reviewRoutes from './reviewRoutes'
import { CALL_MANAGE } from './utils/callConfig'

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
    path: '/grants/recommender/print/:call',
    name: 'grants-recommendation-print',
    component: () => import('./pages/RecommendationPrintPage.vue'),
    props: true,
    meta: { permission: PERMISSIONS.recommend, layout: 'blank', titleKey: 'grants.print.title' },
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
  {
    path: '/grants/calls',
    name: 'grants-calls',
    component: () => import('./pages/CallListPage.vue'),
    meta: {
      permission: CALL_MANAGE,
      titleKey: 'grants.calls.title',
      menu: { icon: Setting, order: 8 },
    },
  },
  {
    path: '/grants/calls/:code',
    name: 'grants-call-config',
    component: () => import('./pages/CallConfigPage.vue'),
    props: true,
    meta: { permission: CALL_MANAGE, titleKey: 'grants.calls.editTitle' },
  },
  ...reviewRoutes,
  ...projectRoutes,
]

export default routes
