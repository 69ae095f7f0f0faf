/** Inline style of the host element: `!important` inline declarations beat any host-page rule. */
export const HOST_STYLE = [
  'all:initial',
  'position:fixed',
  'right:0',
  'bottom:0',
  'width:0',
  'height:0',
  'overflow:visible',
  'z-index:2147483647',
  'display:block',
  'visibility:visible',
  'opacity:1',
  'transform:none',
  'pointer-events:auto',
]
  .map((rule) => `${rule}!important`)
  .join(';');

/**
 * Where the open panel fills the screen (and the launcher hides): phones, and screens too short for
 * the floating panel (a phone held sideways: 560 px of panel would leave its header or composer out).
 */
export const FULLSCREEN_MEDIA = '(max-width:479px),(max-height:479px)';

/** Styles of the launcher and the panel, scoped inside the Shadow DOM (nothing leaks out, nothing leaks in). */
export const SHADOW_CSS =
  '.b,.p{position:fixed;right:20px;box-sizing:border-box;margin:0;border:0;color-scheme:normal}' +
  '.b{bottom:20px;width:56px;height:56px;padding:0;border-radius:50%;display:flex;align-items:center;justify-content:center;background:#4f46e5;color:#fff;cursor:pointer;box-shadow:0 4px 16px rgba(0,0,0,.25);transition:transform .15s}' +
  '.b:hover{transform:scale(1.06)}' +
  // Two tones, for any page: a dark ring (11:1 on white; the light one it replaces had 1.9:1 there)
  // around a white one that shows on dark pages.
  '.b:focus-visible{outline:3px solid #312e81;outline-offset:3px;box-shadow:0 0 0 3px #fff,0 4px 16px rgba(0,0,0,.25)}' +
  '.b svg{width:28px;height:28px;fill:currentColor}' +
  '.u{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#dc2626;color:#fff;border:2px solid #fff;font:700 12px/18px system-ui,sans-serif;text-align:center;box-sizing:border-box}' +
  '.u[hidden]{display:none}' +
  '.p{bottom:92px;width:370px;height:560px;max-width:calc(100vw - 40px);max-height:calc(100vh - 112px);border-radius:16px;background:#fff;box-shadow:0 12px 48px rgba(0,0,0,.25);display:none}' +
  '.p.o{display:block}' +
  `@media ${FULLSCREEN_MEDIA}{.p{inset:0;width:100%;height:100%;max-width:none;max-height:none;border-radius:0}.b[aria-expanded=true]{display:none}}` +
  '@media (prefers-reduced-motion:reduce){.b{transition:none}}';

/** Speech bubble (closed) and cross (open) icons, as SVG path data. */
export const ICON_CHAT = 'M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z';
export const ICON_CLOSE =
  'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6 10.6 12 5 6.4z';
