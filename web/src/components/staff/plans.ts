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
