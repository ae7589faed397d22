import { currentEventContext, type EventContext, runInEventContext } from "../../../src/events/context.js";

test("outside a request, events name neither correlation nor site", () => {
  expect(currentEventContext()).toEqual({ correlationId: null, siteId: null });
});

test("the context reaches work awaited inside it, and a site set later is seen by what runs after", async () => {
  const context: EventContext = { correlationId: "c-1", siteId: null };
  const seen = await runInEventContext(context, async () => {
    const before = { ...currentEventContext() };
    context.siteId = 7;
    await new Promise((resolve) => setTimeout(resolve, 1));
    return [before, { ...currentEventContext() }];
  });
  expect(seen).toEqual([
    { correlationId: "c-1", siteId: null },
    { correlationId: "c-1", siteId: 7 },
  ]);
  expect(currentEventContext().correlationId).toBeNull();
});

test("two requests in flight at once each keep their own context", async () => {
  const read = (id: string, delayMs: number) =>
    runInEventContext({ correlationId: id, siteId: null }, async () => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return currentEventContext().correlationId;
    });
  expect(await Promise.all([read("slow", 5), read("fast", 0)])).toEqual(["slow", "fast"]);
});
