import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as msg from '../../src/messages.js';
import { parseNodeEventLine, renderNodeEvent, type NodeEvent } from '../../src/dashboard/parse/node-events.js';
import { parseDfFree } from '../../src/dashboard/parse/ps.js';
import { problemsLine } from '../../src/dashboard/render/main-view.js';
import { createDashboardState, LOW_TMP_KIB, withNodeEvents, withNodeSample } from '../../src/dashboard/state.js';
import { renderSummary, summarize } from '../../src/dashboard/summary.js';
import { connectionCause, nodeMessageCause } from '../../src/transport/connection-cause.js';

// What happened to a node's connection during a build, from ssh's and distccd's words to the
// dashboard's problems line and the run summary.

const seed = Number(process.env['FC_SEED'] ?? 42);
const HOST = '198.18.2.2';

describe('the cause of a failed or dropped connection', () => {
  it.each([
    ['Host key verification failed.', msg.causeHostKeyChanged()],
    ['ssh: connect to host 198.18.2.2 port 22: Connection refused', msg.causeConnectionRefused()],
    ['ssh: connect to host 198.18.2.2 port 22: No route to host', msg.causeNoRoute()],
    ['Timeout, server 198.18.2.2 not responding.', msg.causeNotAnswering()],
    ['ssh: connect to host 198.18.2.2 port 22: Connection timed out', msg.causeNotAnswering()],
    ['Connection to 198.18.2.2 closed by remote host.', msg.causeClosedByNode()],
    ['distcc@198.18.2.2: Permission denied (publickey).', msg.causeLoginRefused()],
    ['ssh ended by SIGKILL', msg.causeMasterKilled('SIGKILL')],
    ['something nobody foresaw', 'something nobody foresaw'],
  ])('%j reads as its cause', (detail, cause) => {
    expect(connectionCause(detail)).toBe(cause);
  });

  it('keeps an unforeseen message short', () => {
    expect(connectionCause('x'.repeat(10_000)).length).toBeLessThanOrEqual(200);
  });
});

describe("what the node's distccd says", () => {
  it.each([
    ['distccd[48] (dcc_readx) ERROR: unexpected eof on fd4', undefined],
    ['distccd[48] (dcc_r_token_int) ERROR: read failed while waiting for token "DIST"', undefined],
    ['distccd[48] (dcc_r_request_header) ERROR: client did not provide distcc magic fairy dust', undefined],
    ['distccd[100] (dcc_pump_readwrite) ERROR: failed to write: No space left on device', msg.causeDiskFull()],
    ['distccd[7] (dcc_r_token_int) ERROR: read failed while waiting for token "ARGV"', 'ERROR: read failed while waiting for token "ARGV"'],
    ['distccd[7] (dcc_job_summary) client: 127.0.0.1:40000 COMPILE_OK exit:0', undefined],
    ['distccd[9] (dcc_socket_listen) ERROR: bind of 127.0.0.1:20001 failed: Address already in use', undefined],
  ])('%j', (line, cause) => {
    expect(nodeMessageCause(line)).toBe(cause);
  });
});

describe('the node-events file', () => {
  it('reads back what was written', () => {
    const event: NodeEvent = { at: 1_700_000_000_000, node: HOST, kind: 'lost', cause: msg.causeNotAnswering() };
    expect(parseNodeEventLine(renderNodeEvent(event).trimEnd())).toEqual(event);
  });

  it.each([
    ['not json'],
    ['{"at":-1,"node":"n","kind":"lost","cause":""}'],
    ['{"at":1,"node":"","kind":"lost","cause":""}'],
    ['{"at":1,"node":"n","kind":"reboot","cause":""}'],
    ['{"at":1,"node":"n","kind":"lost"}'],
    ['null'],
    [`{"at":1,"node":"n","kind":"node","cause":"${'x'.repeat(5000)}"}`],
  ])('drops %j', (line) => {
    expect(parseNodeEventLine(line)).toBeUndefined();
  });

  it('never lets a node put an escape sequence on the terminal', () => {
    const line = JSON.stringify({ at: 1, node: HOST, kind: 'node', cause: 'ERROR: \u001b]0;pwned\u0007\u001b[2J' });
    const event = parseNodeEventLine(line);
    expect(event?.cause).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('survives any line without throwing, and what it accepts is printable', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.json({ maxDepth: 2 })), (line) => {
        const event = parseNodeEventLine(line);
        if (event !== undefined) expect(`${event.node}${event.cause}`).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }),
      { seed, numRuns: 2000 },
    );
  });
});

describe('free space on the node', () => {
  it.each([
    ['Filesystem 1024-blocks Used Available Capacity Mounted on\ndmlab-tmp 64 64 0 100% /tmp\n', 0],
    ['Filesystem     1024-blocks    Used Available Capacity Mounted on\n/dev/sda1 102400 2048 100352 2% /\n', 100352],
    ['Filesystem 1024-blocks Used Available Capacity Mounted on\nmy disk 10 5 5 50% /mnt/my disk\n', 5],
    ['df: /tmp: No such file or directory\n', undefined],
    ['', undefined],
  ])('%j', (text, free) => {
    expect(parseDfFree(text)).toBe(free);
  });
});

describe('node problems in the dashboard state and the summary', () => {
  const start = 1_000_000;
  const base = () =>
    createDashboardState({
      startedAt: start,
      nodes: [
        { name: HOST, slots: 2 },
        { name: '198.18.3.2', slots: 2 },
      ],
    });
  const sample = (tmpFreeKiB: number) => ({ processes: [], complete: true, tmpFreeKiB });

  it('shows a lost connection until it is back, and keeps the story for the summary', () => {
    let state = withNodeEvents(base(), [{ at: start + 3000, node: HOST, kind: 'lost', cause: msg.causeNotAnswering() }]);
    expect(
      problemsLine(state, 200)
        ?.map((s) => s.text)
        .join(''),
    ).toContain(`${HOST}: ${msg.causeNotAnswering()}`);
    state = withNodeEvents(state, [
      { at: start + 4000, node: HOST, kind: 'failed', cause: msg.causeNoRoute() },
      { at: start + 9000, node: HOST, kind: 'back', cause: '' },
    ]);
    expect(problemsLine(state, 200)).toBeUndefined();
    const text = renderSummary(summarize(state, start + 20_000));
    expect(text).toContain('Node problems');
    expect(text).toMatch(/3\.0s connection lost: the node stopped answering/);
    expect(text).toMatch(/9\.0s connected again/);
    expect(text.split('\n').every((line) => line.length <= 80)).toBe(true);
  });

  it('counts a repeated complaint instead of listing it again', () => {
    const again = { at: start + 1000, node: HOST, kind: 'node' as const, cause: msg.causeDiskFull() };
    const state = withNodeEvents(base(), [again, again, again]);
    expect(state.nodes[0]?.events).toHaveLength(1);
    expect(renderSummary(summarize(state, start + 2000))).toContain('(3 times)');
  });

  it('keeps the first and the latest events of a node that flaps all build long', () => {
    const events = Array.from({ length: 100 }, (_, i) => ({
      at: start + i,
      node: HOST,
      kind: (i % 2 === 0 ? 'lost' : 'back') as 'lost' | 'back',
      cause: i % 2 === 0 ? `cause ${i}` : '',
    }));
    const kept = withNodeEvents(base(), events).nodes[0]?.events ?? [];
    expect(kept.length).toBeLessThanOrEqual(12);
    expect(kept[0]?.cause).toBe('cause 0');
    expect(kept.at(-1)?.kind).toBe('back');
  });

  it('names a full disk once when it fills, and clears it when there is room again', () => {
    let state = withNodeSample(base(), HOST, sample(LOW_TMP_KIB * 10), start + 1000);
    expect(state.nodes[0]?.problem).toBeUndefined();
    state = withNodeSample(state, HOST, sample(0), start + 2000);
    state = withNodeSample(state, HOST, sample(0), start + 3000);
    expect(state.nodes[0]?.problem).toBe(msg.causeDiskFull());
    expect(state.nodes[0]?.events).toHaveLength(1);
    state = withNodeSample(state, HOST, sample(LOW_TMP_KIB * 10), start + 4000);
    expect(state.nodes[0]?.problem).toBeUndefined();
    expect(renderSummary(summarize(state, start + 5000))).toMatch(/node reports: the node's disk is full/);
  });

  it("clears a held node's problem when it gets jobs again, and says so", () => {
    const state = withNodeEvents(base(), [
      { at: start + 1000, node: HOST, kind: 'node', cause: msg.nodeHeld(msg.diskFullReason()) },
      { at: start + 5000, node: HOST, kind: 'resumed', cause: '' },
    ]);
    expect(state.nodes[0]?.problem).toBeUndefined();
    expect(renderSummary(summarize(state, start + 6000))).toMatch(/5\.0s gets jobs again/);
    expect(parseNodeEventLine(renderNodeEvent({ at: 1, node: HOST, kind: 'resumed', cause: '' }).trimEnd())?.kind).toBe('resumed');
  });

  it('says nothing about problems when there were none', () => {
    expect(renderSummary(summarize(base(), start + 1000))).not.toContain('Node problems');
  });
});
