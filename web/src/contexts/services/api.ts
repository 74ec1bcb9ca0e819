import { api, unwrap, type ResponseOf } from '@/shared/api/client'

export type NotificationList = ResponseOf<'/me/notifications', 'get'>
export type Notification = NotificationList['items'][number]
export type MailPreference = 'all' | 'decisions' | 'none'

export const MAIL_PREFERENCES: MailPreference[] = ['all', 'decisions', 'none']

export const servicesApi = {
  notifications: () => unwrap(api.GET('/me/notifications')),
  markRead: (id: string) =>
    unwrap(api.POST('/me/notifications/{id}/read', { params: { path: { id } } })),
  markAllRead: () => unwrap(api.POST('/me/notifications/read-all')),
  preferences: () => unwrap(api.GET('/me/notification-preferences')),
  setPreferences: (mail: MailPreference) =>
    unwrap(api.PUT('/me/notification-preferences', { body: { mail } })),
}
