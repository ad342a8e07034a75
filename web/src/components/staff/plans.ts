import { onMounted, ref } from 'vue'
import { api, call, type Schemas } from '@/api/client'

export type Plan = Schemas['ExamSchedulingPlanOut']

/** The exam plans a staff page picks from (newest first, the first 100): the organisation's
 * own drafts and every published plan, as exam-scheduling lists them for the caller. */
export function usePlanOptions(filter: (plan: Plan) => boolean = () => true) {
  const plans = ref<Plan[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)

  async function load() {
    loading.value = true
    error.value = null
    try {
      const page = await call(api.GET('/api/v1/exam-scheduling/plans', { params: { query: { limit: 100 } } }))
      plans.value = page.items.filter(filter)
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    } finally {
      loading.value = false
    }
  }

  onMounted(load)
  return { plans, loading, error, load }
}

type ResultRule = Pick<Schemas['ResultRuleOut'], 'kind' | 'pass_score'> & { weights?: Schemas['ResultRuleOut']['weights'] }

/** 考证结果判定规则 in words, as the organisation's screens show it. */
export function resultRuleText(t: (key: string, values?: Record<string, unknown>) => string, rule: ResultRule): string {
  const weights = (rule.weights ?? []).map((w) => `${w.subject_code} ${Number(w.weight)}%`).join(' / ')
  return t('org.scores.rules.' + (rule.kind ?? 'each_subject'), { weights, mark: rule.pass_score == null ? '—' : Number(rule.pass_score) })
}
