import { FailureLimiter } from "../../../src/auth/failure-limiter.js";

function limiter(options: { max?: number; windowMs?: number; maxKeys?: number } = {}) {
  let now = 1_000_000;
  const instance = new FailureLimiter({ max: 3, windowMs: 60_000, ...options, now: () => now });
  return { instance, advance: (ms: number) => (now += ms) };
}

test("a key may fail `max` times; then it waits until its window ends", () => {
  const { instance, advance } = limiter();
  for (let failure = 0; failure < 3; failure += 1) {
    expect(instance.retryAfterSeconds("a")).toBe(0);
    instance.recordFailure("a");
  }
  expect(instance.retryAfterSeconds("a")).toBe(60);
  advance(30_500);
  expect(instance.retryAfterSeconds("a")).toBe(30);
  advance(29_499);
  expect(instance.retryAfterSeconds("a")).toBe(1);
  advance(1);
  expect(instance.retryAfterSeconds("a")).toBe(0);
});

test("a new window starts from nothing", () => {
  const { instance, advance } = limiter();
  instance.recordFailure("a");
  instance.recordFailure("a");
  advance(60_000);
  instance.recordFailure("a");
  instance.recordFailure("a");
  expect(instance.retryAfterSeconds("a")).toBe(0);
  instance.recordFailure("a");
  expect(instance.retryAfterSeconds("a")).toBe(60);
});

test("keys are counted apart", () => {
  const { instance } = limiter({ max: 1 });
  instance.recordFailure("a");
  expect(instance.retryAfterSeconds("a")).toBeGreaterThan(0);
  expect(instance.retryAfterSeconds("b")).toBe(0);
});

test.each([
  ["expired windows are dropped first", 10_000, ["late"], ["early1", "early2"]],
  ["when none has expired, the oldest windows go", 0, ["early2", "late"], ["early1"]],
])("memory stays bounded: %s", (_name, wait, kept, forgotten) => {
  const { instance, advance } = limiter({ max: 1, windowMs: 5_000, maxKeys: 2 });
  instance.recordFailure("early1");
  instance.recordFailure("early2");
  advance(wait);
  instance.recordFailure("late");
  for (const key of kept) expect(instance.retryAfterSeconds(key)).toBeGreaterThan(0);
  for (const key of forgotten) expect(instance.retryAfterSeconds(key)).toBe(0);
});
