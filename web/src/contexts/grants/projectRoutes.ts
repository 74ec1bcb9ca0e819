import { DataAnalysis, Folder } from '@element-plus/icons-vue'
import type { RouteRecordRaw } from 'vue-router'

import '@/shared/route-meta'

import { APPLICANT_ROLES, PERMISSIONS } from './constants'

/** Who has funded projects to see (the server scopes each list and detail). */
const PROJECT_ROLES = [...APPLICANT_ROLES, 'recommender', 'bureau_staff', 'bureau_admin'] as const

/** Routes of the funding decision, public notice and funded projects screens. */
const routes: RouteRecordRaw[] = [
  {
    path: '/grants/funding',
    name: 'grants-funding',
    component: () => import('./pages/projects/FundingPage.vue'),
    meta: {
      permission: PERMISSIONS.manageReview,
      titleKey: 'grants.funding.title',
      menu: { icon: DataAnalysis, order: 9 },
    },
  },
  {
    // Applicants, recommending units and the bureau: the server scopes the list.
    path: '/grants/projects',
    name: 'grants-projects',
    component: () => import('./pages/projects/ProjectListPage.vue'),
    meta: {
      roles: PROJECT_ROLES,
      titleKey: 'grants.projects.title',
      menu: { icon: Folder, order: 9.5, tab: true, tabOrder: 9 },
    },
  },
  {
    path: '/grants/projects/:id',
    name: 'grants-project',
    component: () => import('./pages/projects/ProjectDetailPage.vue'),
    props: true,
    meta: { roles: PROJECT_ROLES, titleKey: 'grants.projects.detailTitle' },
  },
  {
    path: '/grants/projects/:id/contract/print',
    name: 'grants-project-contract-print',
    component: () => import('./pages/projects/ContractPrintPage.vue'),
    props: true,
    meta: { roles: PROJECT_ROLES, layout: 'blank', titleKey: 'grants.projects.print.title' },
  },
  {
    path: '/notices',
    name: 'public-notices',
    component: () => import('./pages/projects/PublicNoticesPage.vue'),
    meta: { layout: 'blank', public: true, titleKey: 'grants.funding.public.title' },
  },
  {
    path: '/notices/:id',
    name: 'public-notice',
    component: () => import('./pages/projects/PublicNoticePage.vue'),
    props: true,
    meta: { layout: 'blank', public: true, titleKey: 'grants.funding.public.title' },
  },
]

export default routes
