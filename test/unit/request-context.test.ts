import { currentRequestContext, type RequestContext, runInRequestContext } from "../../src/request-context.js";

const present = () => false;

test("outside a request, events name neither correlation nor site, and no caller can have gone", () => {
  const context = currentRequestContext();
  expect(context).toMatchObject({ correlationId: null, siteId: null });
  expect(context.callerGone()).toBe(false);
});

test("the context reaches work awaited inside it, and a site set later is seen by what runs after", async () => {
  const context: RequestContext = { correlationId: "c-1", siteId: null, callerGone: present };
  const seen = await runInRequestContext(context, async () => {
    const before = { ...currentRequestContext() };
    context.siteId = 7;
    await new Promise((resolve) => setTimeout(resolve, 1));
    return [before, { ...currentRequestContext() }];
  });
  expect(seen).toEqual([
    { correlationId: "c-1", siteId: null, callerGone: present },
    { correlationId: "c-1", siteId: 7, callerGone: present },
  ]);
  expect(currentRequestContext().correlationId).toBeNull();
});

test("two requests in flight at once each keep their own context", async () => {
  const read = (id: string, delayMs: number) =>
    runInRequestContext({ correlationId: id, siteId: null, callerGone: present }, async () => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return currentRequestContext().correlationId;
    });
  expect(await Promise.all([read("slow", 5), read("fast", 0)])).toEqual(["slow", "fast"]);
});
