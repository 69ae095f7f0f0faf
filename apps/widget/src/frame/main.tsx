import { render } from 'preact';
import { messages, pickLang } from '../i18n.ts';
import { App } from './App.tsx';
import { ChatController } from './controller.ts';
import { embedded, onHostMessage, postToHost } from './host.ts';
import { handleHostMessage } from './host-commands.ts';
import './frame.css';

const params = new URLSearchParams(window.location.search);
const lang = pickLang(params.get('lang'), navigator.language);
const t = messages[lang];

document.documentElement.lang = lang;
document.title = t.title;

const root = document.getElementById('app');
const workspace = params.get('workspace') ?? '';
if (root) {
  const chat = new ChatController({
    workspace,
    locale: lang,
    t,
    open: !embedded,
    onUnread: (count) => postToHost({ source: 'parley', type: 'unread', count }),
  });
  onHostMessage((message) => handleHostMessage(chat, message));
  render(<App chat={chat} lang={lang} />, root);
  postToHost({ source: 'parley', type: 'ready' });
  void chat.start();
}
