import { afterEach, expect, it } from 'vitest';
import type { Clock } from '../ports/clock';
import { NudgedLoop } from './nudged-loop';

const clock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(handle) };
  },
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let loop: NudgedLoop | undefined;
afterEach(() => loop?.stop());

it('runs one pass for the nudges of a delay, and a nudge at once still runs at once', async () => {
  let passes = 0;
  loop = new NudgedLoop(clock, 0, () => {
    passes += 1;
    return Promise.resolve();
  });
  for (let i = 0; i < 10; i++) loop.nudgeWithin(30);
  expect(passes).toBe(0);
  await sleep(80);
  expect(passes).toBe(1);
  loop.nudgeWithin(1000);
  loop.nudge();
  expect(passes).toBe(2);
});

it('does not push back a pass already due sooner', async () => {
  let passes = 0;
  loop = new NudgedLoop(clock, 0, () => {
    passes += 1;
    return Promise.resolve();
  });
  loop.nudgeWithin(20);
  loop.nudgeWithin(5000);
  await sleep(70);
  expect(passes).toBe(1);
});
