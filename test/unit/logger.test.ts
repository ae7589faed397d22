import fc from "fast-check";
import { censorSecrets, redactUrl, SECRET_KEYS } from "../../src/logger.js";

test.each([
  [{ body: { password: "hunter2", name: "x" } }, { body: { password: "[redacted]", name: "x" } }],
  [{ headers: { authorization: "Bearer t", cookie: "c", accept: "*/*" } }, { headers: { authorization: "[redacted]", cookie: "[redacted]", accept: "*/*" } }],
  [{ app: { clientSecret: "s", sharedSecret: "t", clientId: "id" } }, { app: { clientSecret: "[redacted]", sharedSecret: "[redacted]", clientId: "id" } }],
  [{ token: "top-level keys are the log call's own fields" }, { token: "top-level keys are the log call's own fields" }],
  [{ nested: { deeper: { password: "two levels down" } } }, { nested: { deeper: { password: "two levels down" } } }],
  [{ count: 3, list: ["password"], none: null }, { count: 3, list: ["password"], none: null }],
])("censors secret keys one level down: %j", (input, expected) => {
  expect(censorSecrets(input)).toEqual(expected);
});

test("an error keeps its message and stack when one of its properties is censored", () => {
  const err = Object.assign(new Error("refused"), { token: "t-123" });
  const censored = censorSecrets({ err }) as { err: Error & { token: string } };
  expect(censored.err).toBeInstanceOf(Error);
  expect(censored.err.message).toBe("refused");
  expect(censored.err.stack).toBe(err.stack);
  expect(censored.err.token).toBe("[redacted]");
  expect(err.token).toBe("t-123");
});

test("censoring never changes the caller's objects and leaves no secret value one level down", () => {
  const key = fc.oneof(fc.constantFrom(...SECRET_KEYS), fc.string({ maxLength: 8 }));
  const inner = fc.dictionary(key, fc.oneof(fc.string(), fc.integer()), { maxKeys: 6 });
  fc.assert(
    fc.property(fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(inner, fc.string(), fc.constant(null)), { maxKeys: 5 }), (object) => {
      const before = JSON.stringify(object);
      const censored = censorSecrets(object);
      expect(JSON.stringify(object)).toBe(before);
      for (const [name, value] of Object.entries(censored)) {
        if (typeof value !== "object" || value === null) continue;
        for (const secret of SECRET_KEYS) {
          if (Object.hasOwn(value, secret)) expect((value as Record<string, unknown>)[secret]).toBe("[redacted]");
        }
        const original = object[name] as Record<string, unknown>;
        for (const [innerKey, innerValue] of Object.entries(value)) {
          if (!(SECRET_KEYS as readonly string[]).includes(innerKey)) expect(innerValue).toBe(original[innerKey]);
        }
      }
    }),
  );
});

test.each([
  ["/api/commerce/customer/credits?filter=customerId%20eq%204242&pageSize=20", "/api/commerce/customer/credits?filter=customerId%20eq%204242&pageSize=20"],
  ["/api.php?user_id=12&user_password=hunter2&format=json", "/api.php?user_id=12&user_password=[redacted]&format=json"],
  ["/x?API_ACCESS_KEY=k&a=1", "/x?API_ACCESS_KEY=[redacted]&a=1"],
  ["/x?%74oken=abc", "/x?%74oken=[redacted]"],
  ["/x?client%5Fsecret=s&secretive=1", "/x?client%5Fsecret=[redacted]&secretive=1"],
  ["/x?tokens=1&keyword=2", "/x?tokens=1&keyword=2"],
  ["/x?%E0%A4%A=1&token=t", "/x?%E0%A4%A=1&token=[redacted]"],
  ["/no-query", "/no-query"],
])("redactUrl(%s) logs %s", (url, logged) => {
  expect(redactUrl(url)).toBe(logged);
});

test("redactUrl leaves no secret parameter's value, however its name is spelled", () => {
  const secretName = fc
    .tuple(fc.constantFrom("user_password", "api_access_key", "access_token", "refresh_token", "token", "client_secret", "password", "secret"), fc.array(fc.boolean()))
    .map(([name, flips]) =>
      [...name].map((ch, i) => (flips[i % Math.max(flips.length, 1)] ? `%${ch.charCodeAt(0).toString(16).toUpperCase()}` : i % 2 ? ch.toUpperCase() : ch)).join(""),
    );
  const other = fc.stringMatching(/^[a-z]{1,8}=[a-z0-9]{0,6}$/);
  fc.assert(
    fc.property(fc.array(other, { maxLength: 4 }), secretName, fc.nat(4), (pairs, name, at) => {
      const all = [...pairs];
      all.splice(Math.min(at, all.length), 0, `${name}=s3cr3t-value`);
      expect(redactUrl(`/x?${all.join("&")}`)).not.toContain("s3cr3t-value");
    }),
  );
});
