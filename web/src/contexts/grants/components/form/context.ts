import type { InjectionKey, Ref } from 'vue'

import type { Attachment } from '../../api'
import type { AttachmentSlot } from '../../utils/callDocument'

/** What file inputs deep in a form need: the application, its slots and its uploads. */
export interface FormContext {
  /** Null: the form is shown without an application (previews); uploads are off. */
  applicationId: Ref<string | null>
  slots: Ref<AttachmentSlot[]>
  attachments: Ref<Attachment[]>
  readonly: Ref<boolean>
  /** Server errors by path (`members.0.name`). */
  errors: Ref<Record<string, string>>
  uploaded: (attachment: Attachment) => void
}

export const FORM_CONTEXT: InjectionKey<FormContext> = Symbol('grants-form')
