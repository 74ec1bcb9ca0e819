import type { CallDocument, FormDefinition } from '../utils/callDocument'

/** A trimmed copy of the demo call's 医疗卫生 form: one field of every kind. */
export const FORM: FormDefinition = {
  sections: [
    {
      key: 'basic',
      title_zh: '项目基本信息',
      title_en: 'Project',
      fields: [
        {
          key: 'project_name',
          label_zh: '项目名称',
          label_en: 'Project name',
          required: true,
          type: 'text',
          max_chars: 40,
        },
        {
          key: 'field',
          label_zh: '技术领域',
          label_en: 'Technology field',
          required: true,
          type: 'select',
          options: [
            { value: 'health', label_zh: '医疗卫生', label_en: 'Health' },
            { value: 'biomed', label_zh: '生物医药', label_en: 'Biomedicine' },
          ],
        },
        {
          key: 'tags',
          label_zh: '关键词',
          label_en: 'Keywords',
          type: 'multi_select',
          options: [{ value: 'a', label_zh: '甲', label_en: 'A' }],
        },
        {
          key: 'summary',
          label_zh: '项目摘要',
          label_en: 'Summary',
          required: true,
          type: 'long_text',
          max_chars: 10,
        },
        { key: 'start_date', label_zh: '开始日期', label_en: 'Start date', type: 'date' },
        { key: 'staff', label_zh: '人数', label_en: 'Staff', type: 'number', min: 1, max: 99 },
      ],
    },
    {
      key: 'budget',
      title_zh: '经费',
      title_en: 'Budget',
      fields: [
        {
          key: 'requested_fen',
          label_zh: '申请经费',
          label_en: 'Funding requested',
          required: true,
          type: 'money',
          min_fen: 1,
          max_fen: 1_000_000,
        },
      ],
    },
    {
      key: 'team',
      title_zh: '项目组',
      title_en: 'Team',
      fields: [
        { key: 'pi', label_zh: '项目负责人', label_en: 'PI', required: true, type: 'person' },
        {
          key: 'members',
          label_zh: '主要研究人员',
          label_en: 'Team members',
          type: 'table',
          columns: [
            { key: 'name', label_zh: '姓名', label_en: 'Name', required: true, type: 'text' },
            { key: 'role', label_zh: '分工', label_en: 'Role', type: 'text' },
          ],
          min_rows: null,
          max_rows: 2,
        },
      ],
    },
    {
      key: 'files',
      title_zh: '申报材料',
      title_en: 'Documents',
      fields: [
        {
          key: 'proposal',
          label_zh: '申报书',
          label_en: 'Application document',
          required: true,
          type: 'file',
          max_files: 1,
        },
      ],
    },
  ],
}

export const CALL: CallDocument = {
  code: 'zg2021',
  year: 2021,
  title: '2021年度自贡市重点科技计划项目',
  notice: '',
  guide: '',
  submission: { opens_at: '2021-01-19T16:00:00Z', closes_at: '2021-04-15T10:00:00Z' },
  recommender_deadline: '2021-04-30T10:00:00Z',
  categories: [
    {
      code: 'medical',
      name_zh: '医疗卫生及社会民生专项',
      name_en: 'Health',
      form: FORM,
      subtypes: [
        {
          code: 'general',
          name_zh: '医疗卫生项目',
          name_en: 'Health project',
          funding_mode: 'advance',
          max_funded: 30,
          max_funding_fen: 1_000_000,
          period_months: 24,
          attachments: [
            {
              code: 'proposal',
              label_zh: '申报书',
              label_en: 'Application document',
              required: true,
              types: ['pdf', 'docx'],
              max_mb: 50,
            },
            {
              code: 'ethics',
              label_zh: '伦理审查意见',
              label_en: 'Ethics approval',
              required: true,
              types: ['pdf'],
              max_mb: 10,
            },
          ],
        },
      ],
    },
  ],
}
