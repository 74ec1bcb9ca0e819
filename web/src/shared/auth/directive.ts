import type { Directive, DirectiveBinding } from 'vue'

import type { PermissionRequirement } from './can'
import { useSessionStore } from './session'

function apply(el: HTMLElement, binding: DirectiveBinding<PermissionRequirement>): void {
  const allowed = useSessionStore().can(binding.value)
  if (allowed) {
    if (el.dataset.kcCanHidden === '1') {
      el.style.display = el.dataset.kcCanDisplay ?? ''
      delete el.dataset.kcCanHidden
    }
  } else if (el.dataset.kcCanHidden !== '1') {
    el.dataset.kcCanDisplay = el.style.display
    el.dataset.kcCanHidden = '1'
    el.style.display = 'none'
  }
}

/**
 * `v-can="'identity.account.manage'"` (or an array: any of them) hides an element the user
 * may not use. It hides rather than removes so Vue's patching stays intact.
 */
export const vCan: Directive<HTMLElement, PermissionRequirement> = {
  mounted: apply,
  updated: apply,
}
