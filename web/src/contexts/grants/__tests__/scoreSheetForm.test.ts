import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { nextTick, ref } from 'vue'

import { i18n, registerMessages } from '@/shared/i18n'

import ScoreSheetForm from '../components/review/ScoreSheetForm.vue'
import reviewEn from '../locales/review.en.json'
import reviewZh from '../locales/review.zh-CN.json'
import type { ScoreSheet } from '../utils/callDocument'
import type { Scores } from '../utils/scoreSheet'

registerMessages({ 'zh-CN': reviewZh, en: reviewEn })

const SHEET: ScoreSheet = {
  criteria: [
    { code: 'innovation', label_zh: '创新性', label_en: 'Innovation', weight: 60, max: 10 },
    {
      code: 'benefit',
      label_zh: '预期效益',
      label_en: 'Benefit',
      weight: 40,
      max: 5,
      descriptors: [
        { points: 5, label_zh: '显著', label_en: 'Strong' },
        { points: 2, label_zh: '一般', label_en: 'Fair' },
      ],
    },
  ],
  comment_required_below: 6000,
}

function mountForm(scores: Scores, errors?: Record<string, string>) {
  const model = ref<Scores>(scores)
  const wrapper = mount(ScoreSheetForm, {
    props: {
      sheet: SHEET,
      scores: model.value,
      'onUpdate:scores': (v: Scores) => {
        model.value = v
        void wrapper.setProps({ scores: v })
      },
      comment: '',
      errors,
    },
    global: { plugins: [i18n] },
  })
  return { wrapper, model }
}

describe('the score sheet form', () => {
  it('shows the weighted total live and asks for a comment below the line', async () => {
    const { wrapper, model } = mountForm({ innovation: 5, benefit: 2 })
    // 5/10 × 60 + 2/5 × 40 = 46
    expect(wrapper.get('[data-test=total]').text()).toContain('46.00')
    expect(wrapper.text()).toContain('该得分须填写评审意见')
    // Picking the higher level updates the model and the total.
    const strong = wrapper.findAll('.levels input').find((i) => i.attributes('value') === '5')
    await strong!.setValue(true)
    await nextTick()
    expect(model.value.benefit).toBe(5)
    expect(wrapper.get('[data-test=total]').text()).toContain('70.00')
    expect(wrapper.text()).not.toContain('该得分须填写评审意见')
  })

  it('puts server field errors under their criterion', () => {
    const { wrapper } = mountForm(
      { innovation: 8, benefit: 5 },
      { 'scores.innovation': '“创新性”的得分应在 0 到 10 分之间' },
    )
    expect(wrapper.get('[data-criterion=innovation]').text()).toContain('应在 0 到 10 分之间')
    expect(wrapper.get('[data-criterion=benefit]').find('[role=alert]').exists()).toBe(false)
  })
})
