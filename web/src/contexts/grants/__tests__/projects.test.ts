import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import { ApiError } from '@/shared/api/errors'
import { i18n, registerMessages } from '@/shared/i18n'

import { grantsApi } from '../api'
import grantsEn from '../locales/en.json'
import projectsEn from '../locales/projects.en.json'
import projectsZh from '../locales/projects.zh-CN.json'
import grantsZh from '../locales/zh-CN.json'
import FundingPage from '../pages/projects/FundingPage.vue'
import ProjectDetailPage from '../pages/projects/ProjectDetailPage.vue'
import { projectsApi, type Notice, type ProjectDetail, type Report } from '../projectsApi'
import { awardBlocker } from '../utils/funding'

registerMessages({ 'zh-CN': grantsZh, en: grantsEn })
registerMessages({ 'zh-CN': projectsZh, en: projectsEn })

const REPORT_FORM = {
  sections: [
    {
      key: 'main',
      title_zh: '完成情况',
      title_en: 'Results',
      fields: [
        {
          key: 'results',
          label_zh: '完成情况',
          label_en: 'Results',
          required: true,
          type: 'long_text',
        },
      ],
    },
  ],
}

// `data`, `form` and `contract` are free-form JSON objects in the generated schema.
type Loose<T> = { [K in keyof T]?: unknown }

function report(kind: 'midterm' | 'completion', over: Loose<Report> = {}): Report {
  return {
    kind,
    status: 'draft',
    data: {},
    comment: null,
    version: 0,
    submitted_at: null,
    reviewed_at: null,
    updated_at: null,
    form: REPORT_FORM,
    ...over,
  } as unknown as Report
}

function project(over: Loose<ProjectDetail> = {}): ProjectDetail {
  return {
    id: 'p1',
    application_id: 'a1',
    call: 'zg2026',
    category: 'transfer',
    subtype: 'key',
    contract_no: 'zg2026-transfer-ABC123',
    title: '智能流体控制阀成果转化及产业化',
    organisation: '自贡川润智能流体科技有限公司',
    pi_name: '孙海峰',
    awarded_fen: 30_000_000,
    disbursed_fen: 20_000_000,
    status: 'contracted',
    contract_status: 'signed',
    awarded_on: '2026-01-10',
    due_on: '2027-01-10',
    overdue: false,
    overdue_days: 0,
    closed_at: null,
    updated_at: '2026-02-01T00:00:00Z',
    contract: {
      contract_no: 'zg2026-transfer-ABC123',
      project_name: '智能流体控制阀成果转化及产业化',
      targets: '建成生产线 1 条',
      summary: '成果转化',
      start_date: '2026-01-10',
      end_date: '2027-01-10',
      amount_fen: 30_000_000,
    },
    disbursements: [],
    reports: [report('midterm'), report('completion')],
    party: 'applicant',
    ...over,
  } as unknown as ProjectDetail
}

function router() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'grants-projects', component: { template: '<div />' } },
      { path: '/p/:id', name: 'grants-project', component: { template: '<div />' } },
      {
        path: '/p/:id/print',
        name: 'grants-project-contract-print',
        component: { template: '<div />' },
      },
      { path: '/f', name: 'grants-funding', component: { template: '<div />' } },
    ],
  })
}

async function mountDetail(detail: ProjectDetail) {
  vi.spyOn(projectsApi, 'project').mockResolvedValue(detail)
  const wrapper = mount(ProjectDetailPage, {
    props: { id: detail.id },
    global: { plugins: [i18n, router()] },
    attachTo: document.body,
  })
  await flushPromises()
  return wrapper
}

const has = (wrapper: { find: (s: string) => { exists: () => boolean } }, id: string) =>
  wrapper.find(`[data-testid="${id}"]`).exists()

describe('project detail', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'zh-CN'
  })
  afterEach(() => {
    vi.restoreAllMocks()
    document.body.innerHTML = ''
  })

  it.each([
    [
      'applicant',
      'draft',
      ['contract-save', 'contract-submit'],
      ['contract-endorse', 'contract-sign'],
    ],
    ['applicant', 'submitted', [], ['contract-save', 'contract-submit']],
    ['recommender', 'submitted', ['contract-endorse', 'contract-return'], ['contract-sign']],
    ['recommender', 'endorsed', [], ['contract-endorse', 'contract-return']],
    ['bureau', 'endorsed', ['contract-sign', 'contract-return'], ['contract-endorse']],
    ['bureau', 'signed', [], ['contract-sign', 'contract-return']],
  ])(
    'shows the contract steps of %s when the contract is %s',
    async (party, status, shown, hidden) => {
      const wrapper = await mountDetail(
        project({
          party,
          contract_status: status,
          status: status === 'signed' ? 'contracted' : 'awarded',
        }),
      )
      for (const id of shown) expect(has(wrapper, id), id).toBe(true)
      for (const id of hidden) expect(has(wrapper, id), id).toBe(false)
      wrapper.unmount()
    },
  )

  it('lets the applicant edit the contract terms only while a draft', async () => {
    const wrapper = await mountDetail(
      project({ party: 'applicant', contract_status: 'draft', status: 'awarded' }),
    )
    const name = wrapper.get('input[data-testid="contract-project-name"]')
    expect((name.element as HTMLInputElement).disabled).toBe(false)
    const save = vi
      .spyOn(projectsApi, 'saveContract')
      .mockImplementation((_id, data) =>
        Promise.resolve(project({ party: 'applicant', contract_status: 'draft', contract: data })),
      )
    await name.setValue('新名称')
    await wrapper.get('[data-testid="contract-save"]').trigger('click')
    await flushPromises()
    expect(save.mock.calls[0]?.[1]).toMatchObject({
      project_name: '新名称',
      amount_fen: 30_000_000,
    })
    wrapper.unmount()
  })

  it('keeps the typed report after a failed submit and shows the field error', async () => {
    const wrapper = await mountDetail(project({ party: 'applicant' }))
    const save = vi
      .spyOn(projectsApi, 'saveReport')
      .mockRejectedValueOnce(new ApiError({ status: 0, code: 'network_error' }))
      .mockRejectedValueOnce(
        new ApiError({
          status: 422,
          code: 'validation_failed',
          errors: [
            {
              field: 'data.results',
              code: 'invalid',
              message_zh: '完成情况太短',
              message_en: 'Too short',
            },
          ],
        }),
      )
    const panel = wrapper.get('[data-testid="report-completion"]')
    const textarea = panel.get('[data-testid="f-results"]')
    await textarea.setValue('已建成生产线')
    await panel.get('[data-testid="report-submit"]').trigger('click')
    await flushPromises()
    expect((textarea.element as HTMLTextAreaElement).value).toBe('已建成生产线')
    expect(save).toHaveBeenCalledWith('p1', 'completion', 0, { results: '已建成生产线' })

    await panel.get('[data-testid="report-submit"]').trigger('click')
    await flushPromises()
    expect((textarea.element as HTMLTextAreaElement).value).toBe('已建成生产线')
    await flushPromises()
    const item = wrapper
      .findAllComponents({ name: 'ElFormItem' })
      .filter((c) => c.attributes('data-testid') === 'field-results')
      .at(-1)
    expect(item?.classes()).toContain('is-error')
    expect(item?.props('error')).toBe('完成情况太短')
    wrapper.unmount()
  })

  it('offers the recommending unit pass, return and fail on a submitted completion report', async () => {
    const wrapper = await mountDetail(
      project({
        party: 'recommender',
        reports: [report('midterm'), report('completion', { status: 'submitted', version: 2 })],
      }),
    )
    const completion = wrapper.get('[data-testid="report-completion"]')
    expect(completion.find('[data-testid="report-pass"]').exists()).toBe(true)
    expect(completion.find('[data-testid="report-fail"]').exists()).toBe(true)
    expect(completion.find('[data-testid="report-return"]').exists()).toBe(true)
    expect(completion.find('[data-testid="report-submit"]').exists()).toBe(false)
    const midterm = wrapper.get('[data-testid="report-midterm"]')
    expect(midterm.find('[data-testid="report-pass"]').exists()).toBe(false)

    const act = vi
      .spyOn(projectsApi, 'reportAction')
      .mockResolvedValue(
        report('completion', { status: 'passed', comment: '同意验收', version: 3 }),
      )
    await completion.get('[data-testid="report-pass"]').trigger('click')
    await flushPromises()
    const comment = document.querySelector<HTMLTextAreaElement>(
      '[data-testid="decision-comment"] textarea, textarea[data-testid="decision-comment"]',
    )
    expect(comment).not.toBeNull()
    comment!.value = '同意验收'
    comment!.dispatchEvent(new Event('input'))
    document.querySelector<HTMLButtonElement>('[data-testid="decision-confirm"]')!.click()
    await flushPromises()
    expect(act).toHaveBeenCalledWith('p1', 'completion', 'pass', '同意验收')
    expect(wrapper.get('[data-testid="report-completion"]').text()).toContain('同意验收')
    wrapper.unmount()
  })

  it('shows the server message when a payment would exceed the award', async () => {
    const wrapper = await mountDetail(project({ party: 'bureau' }))
    vi.spyOn(projectsApi, 'disburse').mockRejectedValue(
      new ApiError({
        status: 422,
        code: 'validation_failed',
        errors: [
          {
            field: 'amount_fen',
            code: 'over_award',
            message_zh: '累计拨款不能超过支持经费 30 万元，本项目还可拨付 10 万元',
            message_en: 'Over the award',
          },
        ],
      }),
    )
    await wrapper.get('[data-testid="disbursement-add"]').trigger('click')
    await flushPromises()
    const amount = document.querySelector<HTMLInputElement>(
      '[data-testid="disbursement-amount"] input',
    )!
    amount.value = '20'
    amount.dispatchEvent(new Event('input'))
    amount.dispatchEvent(new Event('change'))
    document.querySelector<HTMLButtonElement>('[data-testid="disbursement-save"]')!.click()
    await flushPromises()
    expect(projectsApi.disburse).toHaveBeenCalledWith(
      'p1',
      expect.objectContaining({ amount_fen: 20_000_000 }),
    )
    expect(document.body.textContent).toContain('本项目还可拨付 10 万元')
    wrapper.unmount()
  })
})

const NOTICE: Notice = {
  id: 'n1',
  call: 'zg2026',
  title: '拟立项公示',
  body: '',
  published_at: '2026-11-20T00:00:00Z',
  objections_until: '2099-12-01T00:00:00Z',
  status: 'open',
  accepting_objections: true,
  items: [
    {
      application_id: 'a1',
      title: '项目甲',
      organisation: '单位甲',
      pi_name: '张三',
      category: 'industrial',
      category_name: '工业',
      subtype_name: '重点',
      proposed_fen: 1_000_000,
      status: 'proposed',
    },
  ],
}

describe('funding page', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'zh-CN'
    vi.spyOn(grantsApi, 'calls').mockResolvedValue([])
    vi.spyOn(projectsApi, 'funding').mockResolvedValue([])
  })
  afterEach(() => vi.restoreAllMocks())

  it('disables the award with the reason while the objection period runs', async () => {
    vi.spyOn(projectsApi, 'callNotices').mockResolvedValue([NOTICE])
    vi.spyOn(projectsApi, 'objections').mockResolvedValue([])
    const wrapper = mount(FundingPage, { global: { plugins: [i18n, router()] } })
    await flushPromises()
    const award = wrapper.get('[data-testid="award"]')
    expect(award.attributes('disabled')).toBeDefined()
    expect(wrapper.get('[data-testid="award-reason"]').text()).toContain('期满后才能立项')
    wrapper.unmount()
  })

  it('disables the award while objections are open, and enables it after', async () => {
    const ended = {
      ...NOTICE,
      objections_until: '2020-01-01T00:00:00Z',
      accepting_objections: false,
    }
    vi.spyOn(projectsApi, 'callNotices').mockResolvedValue([ended])
    vi.spyOn(projectsApi, 'objections').mockResolvedValue([
      {
        id: 'o1',
        notice_id: 'n1',
        submitter_name: '李四',
        contact: '138',
        content: '有异议',
        status: 'open',
        created_at: '2026-11-21T00:00:00Z',
      },
    ])
    const wrapper = mount(FundingPage, { global: { plugins: [i18n, router()] } })
    await flushPromises()
    expect(wrapper.get('[data-testid="award"]').attributes('disabled')).toBeDefined()
    expect(wrapper.get('[data-testid="award-reason"]').text()).toContain('1 条异议未处理')
    wrapper.unmount()
  })

  it('names the blocking rule', () => {
    const now = new Date('2026-11-25T00:00:00Z')
    expect(
      awardBlocker({ status: 'closed', objections_until: NOTICE.objections_until }, [], now)?.key,
    ).toBe('grants.funding.award.closed')
    expect(
      awardBlocker({ status: 'open', objections_until: '2026-11-26T00:00:00Z' }, [], now)?.key,
    ).toBe('grants.funding.award.periodOpen')
    expect(
      awardBlocker(
        { status: 'open', objections_until: '2026-11-24T00:00:00Z' },
        [{ status: 'dismissed' }],
        now,
      ),
    ).toBeNull()
  })
})
