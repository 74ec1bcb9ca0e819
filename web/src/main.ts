import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import 'element-plus/es/components/loading/style/css'
import { ElLoading } from 'element-plus'
import { createPinia } from 'pinia'
import { createApp } from 'vue'

import App from './App.vue'
import { setupI18n } from './app/plugins/i18n'
import { router } from './app/router'
import './app/styles.css'
import { setUnauthenticatedHandler } from './shared/api/client'
import { useSessionStore } from './shared/auth/session'
import { vCan } from './shared/auth/directive'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(setupI18n())
app.use(router)
app.use(ElLoading)
app.directive('can', vCan)

// A 401 on any call after sign-in: the session ended (expired, or "log out everywhere").
setUnauthenticatedHandler(() => {
  const session = useSessionStore(pinia)
  session.clear()
  const current = router.currentRoute.value
  if (!current.meta.public) {
    void router.push({ name: 'login', query: { redirect: current.fullPath } })
  }
})

void router.isReady().then(() => app.mount('#app'))
