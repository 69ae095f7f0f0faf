import { z } from 'zod';

/**
 * Imported first by the console. Its pages run under a Content-Security-Policy without
 * 'unsafe-eval'; zod would otherwise probe `new Function` for its compiled parsers, which the
 * browser blocks and reports as a violation. The interpreted parsers are fast enough for a UI.
 */
z.config({ jitless: true });
