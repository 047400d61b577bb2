// VS Code's own test client (@vscode/debugadapter-testsupport), a DAP client nobody on this
// project wrote, drives `python -m dap_server` end to end: launch, a breakpoint hit, stack,
// variables, output, exit and termination. Run by .ci/run with DAP_SERVER_PYTHON set to the
// interpreter of the venv under test.
'use strict';
const { test, beforeEach, afterEach } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { DebugClient } = require('@vscode/debugadapter-testsupport');

const python = process.env.DAP_SERVER_PYTHON || 'python3';
const root = path.resolve(__dirname, '..', '..');
const program = path.join(root, 'tests', 'programs', 'basic.py');

function lineOf(marker) {
  const lines = fs.readFileSync(program, 'utf8').split('\n');
  const index = lines.findIndex((l) => l.trimEnd().endsWith(`# @${marker}`));
  assert.notStrictEqual(index, -1, `marker @${marker} not found`);
  return index + 1;
}

let dc;

beforeEach(async () => {
  // DebugClient spawns `<runtime> <executable>`: `-mdap_server` is python's `-m dap_server`.
  dc = new DebugClient(python, '-mdap_server', 'python', {
    env: { ...process.env, PYTHONPATH: path.join(root, 'src') },
  });
  await dc.start();
});

afterEach(async () => {
  await dc.stop();
});

test('hits a breakpoint, shows stack and variables, runs to the end', async () => {
  const line = lineOf('greet-print');
  const init = await dc.initializeRequest({ adapterID: 'python', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  assert.strictEqual(init.body.supportsConfigurationDoneRequest, true);

  await Promise.all([
    dc.waitForEvent('initialized').then(async () => {
      const bps = await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line }] });
      assert.strictEqual(bps.body.breakpoints[0].verified, true);
      assert.strictEqual(bps.body.breakpoints[0].line, line);
      await dc.configurationDoneRequest();
    }),
    dc.launch({ program }),
    dc.assertStoppedLocation('breakpoint', { path: program, line }),
  ]);

  const threads = await dc.threadsRequest();
  const main = threads.body.threads.find((t) => t.name === 'MainThread');
  assert.ok(main, 'MainThread is listed');
  const stack = await dc.stackTraceRequest({ threadId: main.id });
  assert.deepStrictEqual(stack.body.stackFrames.map((f) => f.name), ['greet', 'main', '<module>']);
  const scopes = await dc.scopesRequest({ frameId: stack.body.stackFrames[0].id });
  const locals = scopes.body.scopes.find((s) => s.name === 'Locals');
  const vars = await dc.variablesRequest({ variablesReference: locals.variablesReference });
  const byName = Object.fromEntries(vars.body.variables.map((v) => [v.name, v]));
  assert.strictEqual(byName.name.value, "'ada'");
  assert.strictEqual(byName.count.value, '3');
  assert.strictEqual(byName.count.type, 'int');

  // Clear the breakpoint and run to the end.
  await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
  await Promise.all([
    dc.continueRequest({ threadId: main.id }),
    dc.assertOutput('stdout', 'hello ada\n'),
    dc.waitForEvent('terminated'),
  ]);
});

test('a missing program fails the launch with a clear message', async () => {
  await dc.initializeRequest({ adapterID: 'python' });
  const missing = path.join(root, 'no-such-file.py');
  await assert.rejects(dc.launch({ program: missing }), (err) => {
    assert.strictEqual(err.message, `launch: program '${missing}' does not exist`);
    return true;
  });
});

// Listen mode: `dap-server --listen 0 --wait-for-client basic.py`, then VS Code's client
// attaches through the adapter with `connect` and the access token the listener printed.
function startListening() {
  const { spawn } = require('node:child_process');
  const proc = spawn(python, ['-m', 'dap_server', '--listen', '0', '--wait-for-client', program], {
    env: { ...process.env, PYTHONPATH: path.join(root, 'src') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no listening line: ${seen}`)), 15000);
    proc.stderr.on('data', (chunk) => {
      seen += chunk.toString();
      const m = /listening on ([0-9.]+):(\d+) pid (\d+) \(access token (\S+)\)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, host: m[1], port: Number(m[2]), pid: Number(m[3]), token: m[4] });
      }
    });
    proc.on('exit', (code) => reject(new Error(`listener exited with ${code}: ${seen}`)));
  });
}

test('attaches to a listening program, hits a breakpoint, runs to the end', async () => {
  const listening = await startListening();
  try {
    const line = lineOf('greet-print');
    await dc.initializeRequest({ adapterID: 'python', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line }] });
        await dc.configurationDoneRequest();
      }),
      dc.attachRequest({ connect: { host: listening.host, port: listening.port }, token: listening.token }),
      dc.assertStoppedLocation('breakpoint', { path: program, line }),
    ]);
    const threads = await dc.threadsRequest();
    const main = threads.body.threads.find((t) => t.name === 'MainThread');
    assert.strictEqual(main.id, listening.pid);
    await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
    await Promise.all([dc.continueRequest({ threadId: main.id }), dc.waitForEvent('terminated')]);
  } finally {
    listening.proc.kill();
  }
});
