/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// `npm run dev` proxies the API to a platform started with `make run`.
export default defineConfig({
  plugins: [vue()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8000',
      '/_objects': 'http://127.0.0.1:8000',
      '/.well-known': 'http://127.0.0.1:8000',
    },
  },
  build: { chunkSizeWarningLimit: 2000 },
  test: { environment: 'jsdom', include: ['tests/unit/**/*.test.ts'], setupFiles: ['tests/unit/setup.ts'], css: false, testTimeout: 20_000 },
})
