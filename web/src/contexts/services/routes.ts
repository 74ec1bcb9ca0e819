import { Bell } from '@element-plus/icons-vue'
import type { RouteRecordRaw } from 'vue-router'

import '@/shared/route-meta'

const routes: RouteRecordRaw[] = [
  {
    path: '/notifications',
    name: 'notifications',
    component: () => import('./pages/NotificationsPage.vue'),
    meta: { titleKey: 'services.notifications.title', menu: { icon: Bell, order: 9 } },
  },
]

export default routes
