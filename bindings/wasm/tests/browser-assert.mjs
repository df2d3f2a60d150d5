// The node:assert subset cases.mjs uses, for the browser run (browser.sh).

function fail(message) {
  throw new Error(message);
}

/** Checks one property of a thrown error the way node:assert.throws does for an object. */
function matches(actual, expected) {
  return expected instanceof RegExp ? expected.test(String(actual)) : Object.is(actual, expected);
}

function check(error, expected) {
  if (error === undefined) fail("expected an exception, none was thrown");
  for (const [key, want] of Object.entries(expected)) {
    if (!matches(error[key], want)) fail(`thrown ${key}: expected ${String(want)}, got ${String(error[key])}`);
  }
}

export const assert = {
  equal(actual, expected) {
    if (!Object.is(actual, expected)) fail(`expected ${String(expected)}, got ${String(actual)}`);
  },
  ok(value, message) {
    if (!value) fail(message ?? `expected a truthy value, got ${String(value)}`);
  },
  deepEqual(actual, expected) {
    const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
    if (a !== e) fail(`expected ${e}, got ${a}`);
  },
  throws(fn, expected) {
    let error;
    try {
      fn();
    } catch (e) {
      error = e;
    }
    check(error, expected);
  },
  async rejects(promise, expected) {
    let error;
    try {
      await promise;
    } catch (e) {
      error = e;
    }
    check(error, expected);
  },
};
