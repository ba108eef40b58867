import { describe, expect, it } from 'vitest';
import { SyncSlots } from '../../src/worker/sync-slots.js';

/** A sleep the test ends by hand. */
function manualSleep() {
  let wake = () => {};
  const slept = new Promise<void>((resolve) => (wake = resolve));
  return { slept, wake };
}

describe('sync slots', () => {
  it('frees a slot for the length of a sleep and takes it back after', async () => {
    const slots = new SyncSlots(2, 8);
    slots.take();
    slots.take();
    expect(slots.free).toBe(0);
    const sleep = manualSleep();
    const away = slots.away(() => sleep.slept);
    expect(slots.free).toBe(1);
    sleep.wake();
    await away;
    expect(slots.busy).toBe(2);
    expect(slots.free).toBe(0);
  });

  it('makes a waking sync wait for a free slot, and gives it one before any new claim', async () => {
    const slots = new SyncSlots(1, 8);
    slots.take();
    const sleep = manualSleep();
    const away = slots.away(() => sleep.slept);
    slots.take(); // claimed into the lent slot
    let back = false;
    void away.then(() => (back = true));
    sleep.wake();
    await Promise.resolve();
    await Promise.resolve();
    expect(back).toBe(false);
    // The waker queues first: the slot is not offered to a claim.
    expect(slots.free).toBe(0);
    slots.end();
    await away;
    expect(back).toBe(true);
    expect(slots.busy).toBe(1);
  });

  it('holds no more than maxHeld syncs, sleeping ones included', () => {
    const slots = new SyncSlots(2, 3);
    slots.take();
    slots.take();
    void slots.away(() => new Promise(() => {}));
    void slots.away(() => new Promise(() => {}));
    expect(slots.free).toBe(1);
    slots.take();
    expect(slots.free).toBe(0);
  });

  it('tells the claim loop when a slot frees up', () => {
    let told = 0;
    const slots = new SyncSlots(1, 4, () => told++);
    slots.take();
    void slots.away(() => new Promise(() => {}));
    expect(told).toBe(1);
  });
});
