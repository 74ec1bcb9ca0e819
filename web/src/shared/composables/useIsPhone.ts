import { readonly, ref, type Ref } from 'vue'

/** Phones: narrower than 768 px (WEB.md). */
export const PHONE_QUERY = '(max-width: 767.98px)'

let shared: Ref<boolean> | null = null

/** Whether the viewport is phone-sized; one listener for the whole app. */
export function useIsPhone(): Readonly<Ref<boolean>> {
  if (!shared) {
    const media =
      typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(PHONE_QUERY) : null
    const state = ref(media?.matches ?? false)
    media?.addEventListener('change', (event) => {
      state.value = event.matches
    })
    shared = state
  }
  return readonly(shared)
}
