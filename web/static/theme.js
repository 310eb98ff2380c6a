// Light and dark: the system's choice until the user picks one, which is remembered.

import { $ } from './dom.js';

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  try { localStorage.setItem('pe-theme', theme); } catch { /* private mode */ }
}

export function initTheme() {
  let theme = null;
  try { theme = localStorage.getItem('pe-theme'); } catch { /* private mode */ }
  applyTheme(theme || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  $('theme').addEventListener('click', () =>
    applyTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark'));
}
