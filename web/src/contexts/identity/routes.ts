import {
  Checked,
  Document,
  Message,
  OfficeBuilding,
  Share,
  User,
  UserFilled,
} from '@element-plus/icons-vue'
import type { RouteRecordRaw } from 'vue-router'

import '@/shared/route-meta'

import { PERMISSIONS } from './constants'

const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('./pages/LoginPage.vue'),
    meta: { layout: 'blank', public: true, guestOnly: true, titleKey: 'identity.login.title' },
  },
  {
    path: '/register',
    name: 'register',
    component: () => import('./pages/RegisterPage.vue'),
    meta: { layout: 'blank', public: true, titleKey: 'identity.register.title' },
  },
  {
    path: '/register/done',
    name: 'register-done',
    component: () => import('./pages/RegisterDonePage.vue'),
    meta: { layout: 'blank', public: true, titleKey: 'identity.registerDone.title' },
  },
  {
    path: '/forgot',
    name: 'forgot-password',
    component: () => import('./pages/ForgotPasswordPage.vue'),
    meta: { layout: 'blank', public: true, titleKey: 'identity.forgot.title' },
  },
  {
    path: '/reset',
    name: 'reset-password',
    component: () => import('./pages/ResetPasswordPage.vue'),
    meta: { layout: 'blank', public: true, titleKey: 'identity.reset.title' },
  },
  {
    path: '/me',
    name: 'me',
    component: () => import('./pages/MePage.vue'),
    meta: {
      titleKey: 'identity.me.title',
      menu: { icon: User, order: 10, tab: true, tabOrder: 100 },
    },
  },
  {
    path: '/admin/approvals',
    name: 'approvals',
    component: () => import('./pages/ApprovalsPage.vue'),
    meta: {
      permission: PERMISSIONS.manageAccounts,
      titleKey: 'identity.approvals.title',
      menu: { icon: Checked, order: 20, tab: true },
    },
  },
  {
    path: '/admin/accounts',
    name: 'accounts',
    component: () => import('./pages/AccountsPage.vue'),
    meta: {
      permission: PERMISSIONS.readDirectory,
      titleKey: 'identity.accounts.title',
      menu: { icon: UserFilled, order: 30, tab: true },
    },
  },
  {
    path: '/admin/organisations',
    name: 'organisations',
    component: () => import('./pages/OrganisationsPage.vue'),
    meta: {
      permission: PERMISSIONS.readDirectory,
      titleKey: 'identity.organisations.title',
      menu: { icon: OfficeBuilding, order: 40, tab: true },
    },
  },
  {
    path: '/admin/routing-rules',
    name: 'routing-rules',
    component: () => import('./pages/RoutingRulesPage.vue'),
    meta: {
      permission: PERMISSIONS.manageOrganisations,
      titleKey: 'identity.routingRules.title',
      menu: { icon: Share, order: 50 },
    },
  },
  {
    path: '/admin/audit',
    name: 'audit',
    component: () => import('./pages/AuditPage.vue'),
    meta: {
      permission: PERMISSIONS.readAudit,
      titleKey: 'identity.audit.title',
      menu: { icon: Document, order: 60, tab: true },
    },
  },
  {
    path: '/admin/outbox',
    name: 'outbox',
    component: () => import('./pages/OutboxPage.vue'),
    meta: {
      permission: PERMISSIONS.readOutbox,
      titleKey: 'identity.outbox.title',
      menu: { icon: Message, order: 70 },
    },
  },
]

export default routes
