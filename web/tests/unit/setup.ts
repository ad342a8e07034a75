import { config } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n } from '@/i18n'

// Every mounted component gets the app's plugins, as in main.ts.
config.global.plugins = [ElementPlus, i18n]
