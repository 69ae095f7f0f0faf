import { render } from 'preact';
import { messages, pickLang } from '../i18n.ts';
import { App } from './App.tsx';
import { postToHost } from './host.ts';
import './frame.css';

const params = new URLSearchParams(window.location.search);
const lang = pickLang(params.get('lang'), navigator.language);
const t = messages[lang];

document.documentElement.lang = lang;
document.title = t.title;

const root = document.getElementById('app');
if (root) {
  render(<App t={t} workspace={params.get('workspace') ?? ''} />, root);
  postToHost({ source: 'parley', type: 'ready' });
}
