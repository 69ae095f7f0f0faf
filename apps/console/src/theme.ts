import {
  Collapse,
  type CSSVariablesResolver,
  createTheme,
  darken,
  type MantineColorsTuple,
  PasswordInput,
  TextInput,
} from '@mantine/core';

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r = 0, g = 0, b = 0] = [1, 3, 5].map((i) => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

/** WCAG AA for normal text, with a little room for anti-aliasing. */
const minimum = 4.6;

/** The lightest shade from 6 up that reads on every background given, else shade 9 darkened until it does. */
function readable(shades: MantineColorsTuple, backgrounds: string[], from = 6): string {
  const ok = (color: string) => backgrounds.every((bg) => contrast(color, bg) >= minimum);
  for (let shade = from; shade <= 9; shade++) if (ok(shades[shade] ?? '')) return shades[shade] ?? '';
  let color = shades[9];
  for (let step = 0; step < 20 && !ok(color); step++) color = darkenHex(color);
  return color;
}

/** Mantine's darken answers rgba(); keep #rrggbb so the contrast maths can read it. */
function darkenHex(hex: string): string {
  const match = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(darken(hex, 0.08));
  if (!match) return hex;
  return `#${match
    .slice(1, 4)
    .map((v) => Number(v).toString(16).padStart(2, '0'))
    .join('')}`;
}

// No asterisks: the label's text is the field's name (screen readers, getByLabelText) and must stay
// exactly "Email", not "Email *". Required fields still carry the `required` attribute.
const noAsterisk = { defaultProps: { withAsterisk: false } };

/**
 * Contrast (WCAG AA, axe-core's `color-contrast`): filled buttons and badges pick black or white text
 * by luminance at the point where both read at 4.5:1 (0.179), the primary colour is a shade that
 * carries white text, and the light-scheme text colours below are derived from the palette so every
 * one reads on the surfaces it is drawn on.
 */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 8, dark: 8 },
  autoContrast: true,
  luminanceThreshold: 0.179,
  defaultRadius: 'md',
  components: {
    TextInput: TextInput.extend(noAsterisk),
    PasswordInput: PasswordInput.extend(noAsterisk),
    // Folding groups (the side menu's Settings) open at once. While one grew (200 ms) its links sat
    // in a box clipped to the height reached so far: a link focused or scrolled into view then
    // scrolled that box, which snapped back when it finished, moving the link from under a press
    // that had begun on it, and the click went nowhere (seen under load in browser tests).
    Collapse: Collapse.extend({ defaultProps: { transitionDuration: 0 } }),
  },
});

/**
 * Light scheme: dimmed text on white, on the grey page background and on a selected (primary-light)
 * row; `c="red"`-style text on white; light variants (badges, alerts, the active nav link) on their
 * own tinted background.
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => {
  const white = '#ffffff';
  const gray = t.colors.gray;
  const selected = t.colors[t.primaryColor]?.[1] ?? white;
  const surfaces = [white, gray[0], gray[1], selected];
  const light: Record<string, string> = {
    '--mantine-color-dimmed': readable(gray, surfaces),
    '--mantine-color-error': readable(t.colors.red, [white]),
  };
  for (const [name, shades] of Object.entries(t.colors)) {
    light[`--mantine-color-${name}-text`] = readable(shades, [white, gray[0]]);
    light[`--mantine-color-${name}-light-color`] = readable(shades, [shades[1], white], 9);
  }
  return { variables: {}, light, dark: {} };
};
