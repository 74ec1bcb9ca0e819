import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import { api, unwrap, type ResponseOf } from '../api/client'
import { ApiError } from '../api/errors'
import { hasPermission, type PermissionRequirement } from './can'

export type Me = ResponseOf<'/me', 'get'>

/** The signed-in user, as the server describes them (`GET /me`). */
export const useSessionStore = defineStore('session', () => {
  const me = ref<Me | null>(null)
  const loaded = ref(false)
  let loading: Promise<Me | null> | null = null

  const signedIn = computed(() => me.value !== null)

  function can(required?: PermissionRequirement | null): boolean {
    return hasPermission(me.value?.permissions ?? null, required)
  }

  /** Loads the session once (the router guard calls this before the first navigation). */
  async function load(force = false): Promise<Me | null> {
    if (loaded.value && !force) return me.value
    if (!loading) {
      loading = (async () => {
        try {
          me.value = await unwrap(api.GET('/me'))
        } catch (error) {
          if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 403)) {
            // A network problem: stay signed out for now, the next navigation retries.
            loaded.value = false
            me.value = null
            return null
          }
          me.value = null
        }
        loaded.value = true
        return me.value
      })().finally(() => {
        loading = null
      })
    }
    return loading
  }

  async function login(login: string, password: string): Promise<Me> {
    const result = await unwrap(api.POST('/auth/login', { body: { login, password } }))
    me.value = result.me
    loaded.value = true
    return result.me
  }

  async function logout(): Promise<void> {
    try {
      await unwrap(api.POST('/auth/logout'))
    } finally {
      clear()
    }
  }

  async function logoutEverywhere(): Promise<void> {
    await unwrap(api.POST('/auth/logout-all'))
    clear()
  }

  /** Forgets the user locally (after logout, or when the server says the session is gone). */
  function clear(): void {
    me.value = null
    loaded.value = true
  }

  return { me, loaded, signedIn, can, load, login, logout, logoutEverywhere, clear }
})
