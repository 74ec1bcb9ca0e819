import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import { ApiError } from '@/shared/api/errors'
import { i18n, registerMessages, setLocale } from '@/shared/i18n'

import { servicesApi, type NotificationList } from '../api'
import servicesEn from '../locales/en.json'
import servicesZh from '../locales/zh-CN.json'
import NotificationsPage from '../pages/NotificationsPage.vue'

registerMessages({ 'zh-CN': servicesZh, en: servicesEn })

const SLOW = 20_000

function listOf(unread: boolean): NotificationList {
  return {
    unread: unread ? 1 : 0,
    items: [
      {
        id: 'n1',
        kind: 'application.returned',
        title_zh: '申报书“阀门”已被退回修改',
        title_en: 'Application "valve" was returned for changes',
        body_zh: '意见：请补充考核指标',
        body_en: 'Comment: add targets',
        link: '/grants/applications/a1',
        created_at: '2026-11-23T09:00:00Z',
        read_at: unread ? null : '2026-11-23T09:05:00Z',
      },
    ],
  }
}

function mountPage() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: NotificationsPage },
      { path: '/grants/applications/:id', name: 'app', component: { template: '<div />' } },
    ],
  })
  return { router, wrapper: mount(NotificationsPage, { global: { plugins: [i18n, router] } }) }
}

describe('notifications page', () => {
  beforeEach(() => setLocale('zh-CN'))
  afterEach(() => {
    vi.restoreAllMocks()
    setLocale('zh-CN')
  })

  it(
    'shows notifications in the UI language and marks all read',
    async () => {
      vi.spyOn(servicesApi, 'notifications')
        .mockResolvedValueOnce(listOf(true))
        .mockResolvedValueOnce(listOf(false))
      vi.spyOn(servicesApi, 'preferences').mockResolvedValue({ mail: 'decisions' })
      const markAll = vi.spyOn(servicesApi, 'markAllRead').mockResolvedValue(undefined)
      const { wrapper } = mountPage()
      await flushPromises()
      const item = wrapper.get('[data-testid="notification"]')
      expect(item.text()).toContain('申报书“阀门”已被退回修改')
      expect(item.text()).toContain('请补充考核指标')
      expect(item.text()).toContain('未读')
      const checked = wrapper.get('[data-testid="mail-preference"] input:checked')
      expect((checked.element as HTMLInputElement).value).toBe('decisions')

      const markAllButton = wrapper.findAll('button').find((b) => b.text() === '全部标为已读')
      await markAllButton?.trigger('click')
      await flushPromises()
      expect(markAll).toHaveBeenCalledTimes(1)
      expect(wrapper.get('[data-testid="notification"]').text()).not.toContain('未读')

      setLocale('en')
      await flushPromises()
      expect(wrapper.text()).toContain('Application "valve" was returned for changes')
      wrapper.unmount()
    },
    SLOW,
  )

  it(
    'opening a notification marks it read and follows its link',
    async () => {
      vi.spyOn(servicesApi, 'notifications').mockResolvedValue(listOf(true))
      vi.spyOn(servicesApi, 'preferences').mockResolvedValue({ mail: 'all' })
      const markRead = vi.spyOn(servicesApi, 'markRead').mockResolvedValue(undefined)
      const { wrapper, router } = mountPage()
      await flushPromises()
      const open = wrapper.findAll('button').find((b) => b.text() === '查看')
      await open?.trigger('click')
      await flushPromises()
      expect(markRead).toHaveBeenCalledWith('n1')
      expect(router.currentRoute.value.path).toBe('/grants/applications/a1')
      wrapper.unmount()
    },
    SLOW,
  )

  it(
    'a refused preference change goes back to the stored choice',
    async () => {
      vi.spyOn(servicesApi, 'notifications').mockResolvedValue(listOf(false))
      vi.spyOn(servicesApi, 'preferences').mockResolvedValue({ mail: 'all' })
      const set = vi
        .spyOn(servicesApi, 'setPreferences')
        .mockRejectedValue(new ApiError({ status: 503, code: 'unavailable' }))
      const { wrapper } = mountPage()
      await flushPromises()
      await wrapper.get('[data-testid="mail-preference"] input[value="none"]').setValue(true)
      await flushPromises()
      expect(set).toHaveBeenCalledWith('none')
      const checked = wrapper.get('[data-testid="mail-preference"] input:checked')
      expect((checked.element as HTMLInputElement).value).toBe('all')
      wrapper.unmount()
    },
    SLOW,
  )
})
