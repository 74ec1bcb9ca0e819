import type { RouteRecordRaw } from 'vue-router'

import '@/shared/route-meta'

/** Routes of the funding decision, public notice and funded projects screens. */
const routes: RouteRecordRaw[] = []

export default routes
