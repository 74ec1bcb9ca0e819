import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { defineComponent, nextTick } from 'vue'

import { hasPermission } from '../auth/can'
import { vCan } from '../auth/directive'
import { useSessionStore, type Me } from '../auth/session'

const me = (permissions: string[]): Me => ({
  id: '0190a000-0000-7000-8000-000000000001',
  username: 'clerk',
  display_name: '办事员',
  role: 'bureau_staff',
  status: 'active',
  email: null,
  phone: null,
  department: null,
  organisation: null,
  recommender: null,
  rejection_reason: null,
  permissions,
  created_at: '2026-01-01T00:00:00Z',
})

describe('hasPermission', () => {
  it('refuses everything when nobody is signed in', () => {
    expect(hasPermission(null, undefined)).toBe(false)
    expect(hasPermission(null, 'identity.account.manage')).toBe(false)
  })

  it('allows pages without a requirement to any signed-in user', () => {
    expect(hasPermission([], undefined)).toBe(true)
    expect(hasPermission([], null)).toBe(true)
    expect(hasPermission([], [])).toBe(true)
  })

  it('matches whole codes only', () => {
    const perms = ['identity.account.manage']
    expect(hasPermission(perms, 'identity.account.manage')).toBe(true)
    expect(hasPermission(perms, 'identity.account')).toBe(false)
    expect(hasPermission(perms, 'identity.account.manage.extra')).toBe(false)
    expect(hasPermission(perms, 'identity.outbox.read')).toBe(false)
  })

  it('treats a list as "any of"', () => {
    const perms = ['identity.audit.read']
    expect(hasPermission(perms, ['identity.outbox.read', 'identity.audit.read'])).toBe(true)
    expect(hasPermission(perms, ['identity.outbox.read'])).toBe(false)
  })
})

describe('session.can()', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
  })

  it('follows the permissions of /me', () => {
    const session = useSessionStore()
    expect(session.can()).toBe(false)
    session.me = me(['identity.account.manage', 'identity.directory.read'])
    expect(session.signedIn).toBe(true)
    expect(session.can()).toBe(true)
    expect(session.can('identity.account.manage')).toBe(true)
    expect(session.can('identity.outbox.read')).toBe(false)
    session.clear()
    expect(session.can('identity.account.manage')).toBe(false)
    expect(session.loaded).toBe(true)
  })
})

describe('v-can', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
  })

  it('hides what the user may not use and shows it again when allowed', async () => {
    const session = useSessionStore()
    session.me = me(['identity.audit.read'])
    const Probe = defineComponent({
      directives: { can: vCan },
      props: { code: { type: String, required: true } },
      template: '<button v-can="code">x</button>',
    })
    const hidden = mount(Probe, { props: { code: 'identity.account.manage' } })
    expect((hidden.element as HTMLElement).style.display).toBe('none')
    const shown = mount(Probe, { props: { code: 'identity.audit.read' } })
    expect((shown.element as HTMLElement).style.display).toBe('')

    session.me = me(['identity.audit.read', 'identity.account.manage'])
    await hidden.setProps({ code: 'identity.account.manage' })
    hidden.vm.$forceUpdate()
    await nextTick()
    expect((hidden.element as HTMLElement).style.display).toBe('')
  })
})
