import { Coordinate, EditPen, Medal, User } from '@element-plus/icons-vue'
import type { RouteRecordRaw } from 'vue-router'

import '@/shared/route-meta'

import { PERMISSIONS } from './constants'

/** Routes of the expert review and ranking screens. */
const routes: RouteRecordRaw[] = [
  {
    path: '/review/assignments',
    name: 'review-assignments',
    component: () => import('./pages/review/AssignmentsPage.vue'),
    meta: {
      permission: PERMISSIONS.score,
      titleKey: 'grants.review.assignments.title',
      menu: { icon: EditPen, order: 4, tab: true, tabOrder: 4 },
    },
  },
  {
    path: '/review/assignments/:id',
    name: 'review-assignment',
    component: () => import('./pages/review/ScoringPage.vue'),
    props: true,
    meta: { permission: PERMISSIONS.score, titleKey: 'grants.review.scoring.title' },
  },
  {
    path: '/review/profile',
    name: 'review-profile',
    component: () => import('./pages/review/ProfilePage.vue'),
    meta: {
      permission: PERMISSIONS.score,
      titleKey: 'grants.review.profile.title',
      menu: { icon: User, order: 4.5, tab: true, tabOrder: 4.5 },
    },
  },
  {
    path: '/grants/experts',
    name: 'review-experts',
    component: () => import('./pages/review/ExpertPoolPage.vue'),
    meta: {
      permission: PERMISSIONS.manageReview,
      titleKey: 'grants.review.experts.title',
      menu: { icon: Coordinate, order: 8.5 },
    },
  },
  {
    path: '/grants/review',
    name: 'review-rounds',
    component: () => import('./pages/review/RoundsPage.vue'),
    meta: {
      permission: PERMISSIONS.manageReview,
      titleKey: 'grants.review.rounds.title',
      menu: { icon: Medal, order: 8.7 },
    },
  },
  {
    path: '/grants/review/:id',
    name: 'review-round',
    component: () => import('./pages/review/RoundPage.vue'),
    props: true,
    meta: { permission: PERMISSIONS.manageReview, titleKey: 'grants.review.rounds.detailTitle' },
  },
]

export default routes
