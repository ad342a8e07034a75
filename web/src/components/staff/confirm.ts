import { ElMessageBox } from 'element-plus'
import { i18n } from '@/i18n'

/** Asks before an act that cannot be undone (sign, confirm a payment, lock, publish);
 * resolves true only when the person confirmed. */
export async function confirmAct(message: string, title?: string, confirmText?: string): Promise<boolean> {
  const t = i18n.global.t
  try {
    await ElMessageBox.confirm(message, title ?? t('staff.confirm.title'), {
      type: 'warning',
      confirmButtonText: confirmText ?? t('staff.confirm.ok'),
      cancelButtonText: t('common.cancel'),
      distinguishCancelAndClose: true,
      closeOnClickModal: false,
    })
    return true
  } catch {
    return false
  }
}
