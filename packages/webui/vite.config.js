import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Relative asset URLs so the UI also works under `--web-base-path`.
export default defineConfig({
  plugins: [react()],
  base: './',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
  },
});
