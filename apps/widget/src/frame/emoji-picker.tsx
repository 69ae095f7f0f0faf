import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Messages } from '../i18n.ts';

/** 24 common emoji. */
export const EMOJI = '😀 😂 😊 😍 😉 🤔 😅 😢 😮 😡 👍 👎 👏 🙏 🙌 👋 💪 🤝 ❤️ 🎉 🔥 ✅ ❌ ⭐'.split(' ');

/** A button that opens a small grid of common emoji; choosing one inserts it in the composer. */
export function EmojiPicker({ t, onPick }: { t: Messages; onPick(emoji: string): void }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const grid = useRef<HTMLFieldSetElement>(null);

  // Layout effect: the Escape handler must be in place as soon as the grid shows.
  useLayoutEffect(() => {
    if (!open) return;
    grid.current?.querySelector('button')?.focus();
    const onPointer = (event: PointerEvent): void => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    // Escape closes the picker only, not the whole panel (capture: before the panel's own handler).
    const onEscape = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      setOpen(false);
      toggle.current?.focus();
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onEscape, true);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onEscape, true);
    };
  }, [open]);

  const onKeyDown = (event: KeyboardEvent): void => {
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 8, ArrowUp: -8 };
    const move = moves[event.key];
    if (move === undefined) return;
    const buttons = Array.from(grid.current?.querySelectorAll('button') ?? []);
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[Math.min(buttons.length - 1, Math.max(0, index + move))];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  };

  return (
    <div class="emoji" ref={root}>
      <button
        type="button"
        ref={toggle}
        class="tool-button"
        aria-label={t.insertEmoji}
        title={t.insertEmoji}
        aria-expanded={open}
        aria-haspopup="true"
        onClick={() => setOpen(!open)}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm-3.5-9a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm7 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM12 17.5a5.5 5.5 0 0 0 5.1-3.5H6.9a5.5 5.5 0 0 0 5.1 3.5z" />
        </svg>
      </button>
      {open && (
        <fieldset class="emoji-grid" ref={grid} onKeyDown={onKeyDown}>
          <legend class="visually-hidden">{t.emoji}</legend>
          {EMOJI.map((emoji) => (
            <button
              type="button"
              key={emoji}
              class="emoji-button"
              onClick={() => {
                onPick(emoji);
                setOpen(false);
              }}
            >
              {emoji}
            </button>
          ))}
        </fieldset>
      )}
    </div>
  );
}
