import { describe, expect, it } from 'vitest';
import { weakPasswordReason } from './password-strength.ts';

describe('password strength', () => {
  it('is estimated off the event loop: timers keep running during a check', async () => {
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 1);
    try {
      // Each estimate takes tens of milliseconds of CPU; on the event loop no timer could fire meanwhile.
      const reasons = await Promise.all([
        weakPasswordReason('bench-password', ['op1@bench.test', 'Operator 1']),
        weakPasswordReason('passw0rd'),
        weakPasswordReason('blue lagoon tango'),
      ]);
      expect(reasons[1]).toMatch(/common/);
      expect(reasons[2]).toBeNull();
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });
});
