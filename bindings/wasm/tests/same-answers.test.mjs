// The same-answers table (test-vectors/sample/same-answers.json), which the Rust API, the C
// ABI, `imza verify --json` (ffi/tests/same_answers.rs) and the Python package
// (bindings/python/tests/test_same_answers.py) answer too, through the npm package: every
// case gives the table's indication and sub-indication, with the detached content given
// whole and streamed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createReadStream } from "node:fs";
import path from "node:path";
import * as imza from "../pkg/node.mjs";
import { read, root, text } from "./support.mjs";

const table = JSON.parse(text("test-vectors/sample/same-answers.json"));

test("the table names the npm package among the faces that answer it", () => {
  assert.match(table.about, /npm package/);
  assert.ok(table.cases.length >= 8, `${table.cases.length} cases`);
});

/** The options of a case (`at: null` is now, the package's default). */
function options(c) {
  return {
    trust: c.trust.map(read),
    crls: c.crls.map(read),
    ...(c.at === null ? {} : { at: c.at }),
  };
}

for (const c of table.cases) {
  test(`same answer: ${c.name}`, async () => {
    const want = [c.indication, c.sub_indication];
    const whole = await imza.verifyDocument(read(c.signature), {
      ...options(c),
      ...(c.detached === null ? {} : { detached: read(c.detached) }),
    });
    assert.deepEqual([whole.indication, whole.sub_indication], want, "content given whole");
    if (c.detached !== null) {
      const streamed = await imza.verifyDocument(read(c.signature), {
        ...options(c),
        detached: createReadStream(path.join(root, c.detached), { highWaterMark: 7 }),
      });
      assert.deepEqual([streamed.indication, streamed.sub_indication], want, "content streamed");
    }
  });
}
