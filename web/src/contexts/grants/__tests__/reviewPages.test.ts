import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import { ApiError } from '@/shared/api/errors'
import { i18n, registerMessages, setLocale } from '@/shared/i18n'

import RankingTab from '../components/review/RankingTab.vue'
import grantsEn from '../locales/en.json'
import reviewEn from '../locales/review.en.json'
import reviewZh from '../locales/review.zh-CN.json'
import grantsZh from '../locales/zh-CN.json'
import ScoringPage from '../pages/review/ScoringPage.vue'
import { reviewApi, type AssignmentDetail, type RankingRow } from '../reviewApi'

registerMessages({ 'zh-CN': grantsZh, en: grantsEn })
registerMessages({ 'zh-CN': reviewZh, en: reviewEn })

/** Mounting Element Plus pages is slow under a parallel test run. */
const SLOW = 20_000

const SHEET = {
  criteria: [
    { code: 'innovation', label_zh: '技术创新性', label_en: 'Innovation', weight: 60, max: 10 },
    { code: 'benefit', label_zh: '预期效益', label_en: 'Benefit', weight: 40, max: 10 },
  ],
  comment_required_below: 6000,
}

function assignment(over: Record<string, unknown> = {}): AssignmentDetail {
  return {
    id: 'as1',
    round_id: 'r1',
    round_name: '第一轮专家评审',
    round_status: 'open',
    deadline: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
    call: 'zg2026',
    category: 'industrial',
    category_name: '工业技术创新',
    application_id: 'a1',
    title: '高效低氮燃气锅炉燃烧系统研发',
    status: 'assigned',
    submitted_at: null,
    total_centipoints: null,
    conflict_reason: null,
    scores: null,
    comment: null,
    score_sheet: SHEET,
    application: null,
    ...over,
  } as unknown as AssignmentDetail
}

function router() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'review-assignments', component: { template: '<div />' } },
      { path: '/a/:id', name: 'review-assignment', component: ScoringPage, props: true },
    ],
  })
}

function mountScoring() {
  return mount(ScoringPage, {
    props: { id: 'as1' },
    global: { plugins: [i18n, router()] },
    attachTo: document.body,
  })
}

/** Types into an el-input-number and commits it (it takes the value on change). */
async function typeScore(wrapper: ReturnType<typeof mount>, code: string, value: string) {
  const box = wrapper.get(`[data-criterion="${code}"] input`)
  await box.setValue(value)
  await box.trigger('change')
  await flushPromises()
}

const fieldError = (field: string, zh: string) => ({
  field,
  code: 'invalid',
  message_zh: zh,
  message_en: `EN ${zh}`,
})

describe('the scoring page', () => {
  beforeEach(() => {
    localStorage.clear()
    setLocale('zh-CN')
    document.body.innerHTML = ''
  })
  afterEach(() => vi.restoreAllMocks())

  it(
    'keeps typed scores through a refused submit, shows the field error, and restores them on reload',
    async () => {
      vi.spyOn(reviewApi, 'assignment').mockResolvedValue(assignment())
      const submit = vi.spyOn(reviewApi, 'submitScores').mockRejectedValue(
        new ApiError({
          status: 422,
          code: 'validation_failed',
          errors: [fieldError('scores.benefit', '请为“预期效益”打分')],
        }),
      )
      const wrapper = mountScoring()
      await flushPromises()

      await typeScore(wrapper, 'innovation', '8.5')
      await wrapper.get('[data-testid="score-submit"]').trigger('click')
      await flushPromises()

      expect(submit).toHaveBeenCalledTimes(1)
      // Only the criteria scored go to the server, in points.
      expect(submit.mock.calls[0]?.[1]).toEqual({ scores: { innovation: 8.5 }, comment: null })
      expect(wrapper.get('[data-criterion="benefit"]').text()).toContain('请为“预期效益”打分')
      expect(wrapper.get('[data-criterion="innovation"] input').element).toHaveProperty(
        'value',
        '8.50',
      )
      wrapper.unmount()

      // A reload (or a lost connection) brings the typed scores back, flagged as not sent.
      const again = mountScoring()
      await flushPromises()
      expect(again.find('[data-testid="scores-restored"]').exists()).toBe(true)
      expect(again.get('[data-criterion="innovation"] input').element).toHaveProperty(
        'value',
        '8.50',
      )
      again.unmount()
    },
    SLOW,
  )

  it(
    'forgets the typed copy once the server accepts the scores',
    async () => {
      vi.spyOn(reviewApi, 'assignment').mockResolvedValue(assignment())
      const submit = vi.spyOn(reviewApi, 'submitScores').mockResolvedValue(
        assignment({
          status: 'submitted',
          scores: { innovation: 9, benefit: 8 },
          comment: '建议支持',
          submitted_at: new Date().toISOString(),
          total_centipoints: 8600,
        }),
      )
      const wrapper = mountScoring()
      await flushPromises()
      await typeScore(wrapper, 'innovation', '9')
      await typeScore(wrapper, 'benefit', '8')
      await wrapper.get('[data-testid="score-comment"]').setValue('建议支持')
      await wrapper.get('[data-testid="score-submit"]').trigger('click')
      await flushPromises()

      expect(submit.mock.calls[0]?.[1]).toEqual({
        scores: { innovation: 9, benefit: 8 },
        comment: '建议支持',
      })
      expect(wrapper.get('[data-testid="assignment-status"]').text()).toBe('已评分')
      expect(localStorage.getItem('kc_review_scores_as1')).toBeNull()
      expect(wrapper.get('[data-testid="score-submit"]').text()).toBe('修改评分')
      wrapper.unmount()
    },
    SLOW,
  )

  it(
    'declares a conflict with a reason; a refusal keeps the dialog open with the reason typed',
    async () => {
      vi.spyOn(reviewApi, 'assignment').mockResolvedValue(assignment())
      const declare = vi
        .spyOn(reviewApi, 'declareConflict')
        .mockRejectedValueOnce(
          new ApiError({
            status: 422,
            code: 'validation_failed',
            errors: [fieldError('reason', '原因不能超过 500 字')],
          }),
        )
        .mockResolvedValueOnce(
          assignment({ status: 'conflict', conflict_reason: '申报单位为本人兼职单位' }),
        )
      const wrapper = mountScoring()
      await flushPromises()

      await wrapper.get('[data-testid="declare-conflict"]').trigger('click')
      await flushPromises()
      const reason = document.querySelector<HTMLTextAreaElement>(
        '[data-testid="reason-input"] textarea, textarea[data-testid="reason-input"]',
      )
      expect(reason).not.toBeNull()
      reason!.value = '申报单位为本人兼职单位'
      reason!.dispatchEvent(new Event('input'))
      await flushPromises()
      document.querySelector<HTMLButtonElement>('[data-testid="reason-confirm"]')!.click()
      await flushPromises()

      expect(declare).toHaveBeenCalledWith('as1', '申报单位为本人兼职单位')
      const dialog = document.querySelector('[data-testid="reason-dialog"]')
      expect(dialog?.textContent).toContain('原因不能超过 500 字')
      expect(reason!.value).toBe('申报单位为本人兼职单位')

      document.querySelector<HTMLButtonElement>('[data-testid="reason-confirm"]')!.click()
      await flushPromises()
      expect(declare).toHaveBeenCalledTimes(2)
      expect(wrapper.get('[data-testid="assignment-status"]').text()).toBe('已申明回避')
      // Once out of the review, the sheet is gone.
      expect(wrapper.find('[data-testid="score-sheet"]').exists()).toBe(false)
      wrapper.unmount()
    },
    SLOW,
  )
})

function rankingRow(over: Partial<RankingRow> = {}): RankingRow {
  return {
    application_id: 'a1',
    title: '高效低氮燃气锅炉燃烧系统研发',
    organisation: '自贡东方锅炉节能科技有限公司',
    subtype: 'key',
    subtype_name: '重点项目',
    requested_fen: 30_000_000,
    reviews: 3,
    bonus: 0,
    bonus_label: null,
    expert_score: 8200,
    final_score: 8200,
    fundable: true,
    rank: 1,
    site_visit_required: false,
    site_visit_recorded: false,
    proposed_fen: null,
    decision_status: null,
    ...over,
  }
}

describe('the ranking tab', () => {
  beforeEach(() => {
    setLocale('zh-CN')
    document.body.innerHTML = ''
  })
  afterEach(() => vi.restoreAllMocks())

  async function openPropose(wrapper: ReturnType<typeof mount>, wan: string) {
    await wrapper.get('[data-testid="propose"]').trigger('click')
    await flushPromises()
    const box = document.querySelector<HTMLInputElement>('[data-testid="propose-wan"] input')!
    box.value = wan
    box.dispatchEvent(new Event('input'))
    box.dispatchEvent(new Event('change'))
    await flushPromises()
  }

  it(
    'proposes funding in 万元 and sends fen',
    async () => {
      const ranking = vi
        .spyOn(reviewApi, 'ranking')
        .mockResolvedValueOnce([rankingRow()])
        .mockResolvedValueOnce([
          rankingRow({ proposed_fen: 12_500_000, decision_status: 'proposed' }),
        ])
      const propose = vi
        .spyOn(reviewApi, 'proposeFunding')
        .mockResolvedValue({} as Awaited<ReturnType<typeof reviewApi.proposeFunding>>)
      const wrapper = mount(RankingTab, {
        props: { roundId: 'r1' },
        global: { plugins: [i18n] },
        attachTo: document.body,
      })
      await flushPromises()
      // The dialog starts from the requested amount.
      await wrapper.get('[data-testid="propose"]').trigger('click')
      await flushPromises()
      const box = document.querySelector<HTMLInputElement>('[data-testid="propose-wan"] input')!
      expect(Number(box.value)).toBe(30)
      await openPropose(wrapper, '12.5')
      document.querySelector<HTMLButtonElement>('[data-testid="propose-confirm"]')!.click()
      await flushPromises()

      expect(propose).toHaveBeenCalledWith('a1', 12_500_000)
      expect(ranking).toHaveBeenCalledTimes(2)
      expect(wrapper.get('[data-testid="decision-status"]').text()).toBe('已拟支持')
      expect(wrapper.get('[data-testid="proposed"]').text()).toBe('12.5 万元')
      wrapper.unmount()
    },
    SLOW,
  )

  it(
    'lists every reason a proposal is refused and keeps the dialog open',
    async () => {
      vi.spyOn(reviewApi, 'ranking').mockResolvedValue([
        rankingRow({ fundable: false, final_score: 6750, rank: 6 }),
      ])
      vi.spyOn(reviewApi, 'proposeFunding').mockRejectedValue(
        new ApiError({
          status: 422,
          code: 'award_refused',
          message_zh: '拟支持经费不符合立项规则，请查看标出的原因',
          errors: [
            fieldError('proposed_fen', '专家评审得分低于立项分数线，不予立项'),
            fieldError('proposed_fen', '单项支持经费不超过 50 万元'),
          ],
        }),
      )
      const wrapper = mount(RankingTab, {
        props: { roundId: 'r1' },
        global: { plugins: [i18n] },
        attachTo: document.body,
      })
      await flushPromises()
      expect(wrapper.get('[data-testid="fundable"]').text()).toBe('否')
      await openPropose(wrapper, '60')
      document.querySelector<HTMLButtonElement>('[data-testid="propose-confirm"]')!.click()
      await flushPromises()

      const problems = [...document.querySelectorAll('[data-testid="problem"]')].map(
        (li) => li.textContent,
      )
      expect(problems).toEqual([
        '专家评审得分低于立项分数线，不予立项',
        '单项支持经费不超过 50 万元',
      ])
      const dialog = document.querySelector<HTMLElement>('[data-testid="propose-dialog"]')
      expect(dialog?.closest('.el-overlay')?.getAttribute('style') ?? '').not.toContain(
        'display: none',
      )
      wrapper.unmount()
    },
    SLOW,
  )
})
