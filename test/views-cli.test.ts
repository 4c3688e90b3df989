/** The analysis and view commands as a user meets them: listed in --help, each with an example. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runCli } from "./support.js";

const commands = ["summary", "inputs", "graph", "report", "export"];

for (const cmd of commands) {
  test(`alexc ${cmd} --help shows an example and the exit statuses`, () => {
    const r = runCli([cmd, "--help"]);
    assert.is(r.status, 0);
    assert.match(r.stdout, new RegExp(`Examples:\\n  \\$ alexc ${cmd} `));
    assert.match(r.stdout, /Exit status: 0/);
  });
}

test("alexc --help lists every command", () => {
  const help = runCli(["--help"]).stdout;
  for (const cmd of commands) assert.match(help, new RegExp(`\\n  ${cmd} `));
});

test("a missing spec is a usage error for every command", () => {
  for (const cmd of commands) {
    const r = runCli([cmd, "nope.anet"]);
    assert.is(r.status, 2, cmd);
    assert.match(r.stderr, /nope\.anet: no such file/);
  }
});

test.run();
