import type { RouteRecordRaw } from 'vue-router'

import '@/shared/route-meta'

/** Routes of the expert review and ranking screens. */
const routes: RouteRecordRaw[] = []

export default routes
