import { describe, expect, it } from 'vitest';
import { UNKNOWN_SENDER_GRACE_SECONDS, UNKNOWN_SENDER_REASK_SECONDS, UnknownSenders } from './unknown-senders.js';

describe('UnknownSenders', () => {
  it('asks after the grace period, then at most once per re-ask period, and never after registering', () => {
    let now = 100;
    const senders = new UnknownSenders(() => now);
    expect(senders.shouldAsk('w')).toBe(false); // a rejoining locust-ts worker registers within the grace
    now += UNKNOWN_SENDER_GRACE_SECONDS;
    expect(senders.shouldAsk('w')).toBe(true);
    now += 1;
    expect(senders.shouldAsk('w')).toBe(false);
    now += UNKNOWN_SENDER_REASK_SECONDS;
    expect(senders.shouldAsk('w')).toBe(true);
    senders.forget('w');
    expect(senders.shouldAsk('w')).toBe(false);
  });

  it('remembers a bounded number of senders under a flood of ids', () => {
    const senders = new UnknownSenders(() => 0);
    for (let i = 0; i < 20_000; i++) senders.shouldAsk(`ghost-${i}`);
    expect(senders.size).toBe(10_000);
  });
});
