import { VerifiedTokenCache } from "../../../src/auth/token-cache.js";

function cache(capacity = 100) {
  let now = 1_700_000_000_000;
  const instance = new VerifiedTokenCache<string>(capacity, () => now);
  return { instance, at: (ms: number) => (now = ms), nowSeconds: () => now / 1000 };
}

test("a kept token answers its value until the instant of its exp, and is dropped then", () => {
  const { instance, at, nowSeconds } = cache();
  const exp = nowSeconds() + 60;
  instance.set("token", "caller", exp);
  expect(instance.get("token")).toBe("caller");
  at(exp * 1000 - 1);
  expect(instance.get("token")).toBe("caller");
  at(exp * 1000);
  expect(instance.get("token")).toBeUndefined();
  expect(instance.size).toBe(0);
});

test.each([
  ["without an exp", undefined],
  ["expiring now", 0],
  ["already expired", -1],
])("a token %s is not kept", (_, offsetSeconds) => {
  const { instance, nowSeconds } = cache();
  instance.set("token", "caller", offsetSeconds === undefined ? undefined : nowSeconds() + offsetSeconds);
  expect(instance.get("token")).toBeUndefined();
  expect(instance.has("token")).toBe(false);
});

test("another string is another entry: one changed character misses", () => {
  const { instance, nowSeconds } = cache();
  instance.set("header.payload.signature", "caller", nowSeconds() + 60);
  expect(instance.get("header.payload.signaturf")).toBeUndefined();
});

test("past its capacity the cache forgets the oldest tokens first, and never grows beyond it", () => {
  const capacity = 50;
  const { instance, nowSeconds } = cache(capacity);
  for (let index = 0; index < capacity + 25; index += 1) {
    instance.set(`token-${index}`, `caller-${index}`, nowSeconds() + 60);
    expect(instance.size).toBeLessThanOrEqual(capacity);
  }
  expect(instance.size).toBe(capacity);
  expect(instance.get("token-24")).toBeUndefined();
  expect(instance.get("token-25")).toBe("caller-25");
  expect(instance.get(`token-${capacity + 24}`)).toBe(`caller-${capacity + 24}`);
});

test("keeping a token again replaces its entry instead of adding one", () => {
  const { instance, nowSeconds } = cache(2);
  instance.set("a", "first", nowSeconds() + 60);
  instance.set("b", "b", nowSeconds() + 60);
  instance.set("a", "second", nowSeconds() + 60);
  expect(instance.size).toBe(2);
  expect(instance.get("a")).toBe("second");
  expect(instance.get("b")).toBe("b");
});
