import type { Locale } from '../common.ts';
import { enLabels, type Labels } from './en.ts';
import { esLabels } from './es.ts';
import { frLabels } from './fr.ts';

export type { Labels };

/** The enumerated values' names in each language the console speaks (see `Labels`). */
export const labels: Readonly<Record<Locale, Labels>> = { en: enLabels, es: esLabels, fr: frLabels };
