/**
 * The wan-studio command as a user runs it: real processes, real files, exit codes, the --json
 * shape, clear messages for malformed workflows, the on-disk cache across processes, and Ctrl-C.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, TEMPLATES_DIR } from '../../helpers/paths';
import { main } from '../../../nodes/cli/main';
import type { CliIO } from '../../../nodes/cli/io';
import { readEmbeddedWorkflow } from '../../../nodes/runtime/video/metadata';

const BIN = join(REPO_ROOT, 'nodes', 'cli', 'bin.mjs');
const TEMPLATE = join(TEMPLATES_DIR, 'test-pattern.json');

let dir: string;
let env: NodeJS.ProcessEnv;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonRun {
  ok: boolean;
  outputs: Array<{ node: string; path: string }>;
  nodes: Record<string, { status: 'ran' | 'cached'; ms: number }>;
  error?: {
    code: string;
    message: string;
    problems?: Array<{ code: string; message: string; node?: string }>;
  };
}

function ffprobe(path: string) {
  const r = spawnSync(
    'ffprobe',
    ['-v', 'error', '-count_frames', '-show_streams', '-show_format', '-of', 'json', path],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as {
    streams: Array<{
      codec_name: string;
      width: number;
      height: number;
      r_frame_rate: string;
      nb_read_frames: string;
      pix_fmt: string;
    }>;
    format: { tags?: Record<string, string> };
  };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wan-cli-'));
  env = { ...process.env, WAN_STUDIO_CACHE: join(dir, 'cache'), WAN_STUDIO_MODELS: join(dir, 'models') };
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('wan-studio run', () => {
  test('renders the Test Pattern template to an MP4 that ffprobe reads, with --json exactly one object', () => {
    const r = cli([
      'run',
      TEMPLATE,
      '--out',
      'out',
      '--param',
      'frames=17',
      '--param',
      'width=320',
      '--param',
      'height=192',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as JsonRun; // throws if stdout is anything but one JSON value
    assert.equal(result.ok, true);
    assert.deepEqual(Object.keys(result).sort(), ['nodes', 'ok', 'outputs']);
    const video = result.outputs.find((o) => o.node === 'video');
    assert.ok(video && video.path.endsWith('.mp4'), JSON.stringify(result.outputs));
    for (const n of Object.values(result.nodes)) assert.equal(typeof n.ms, 'number');
    assert.equal(result.nodes.pattern?.status, 'ran');
    const probe = ffprobe(video.path);
    const s = probe.streams[0];
    assert.equal(s.codec_name, 'h264');
    assert.equal(s.pix_fmt, 'yuv420p');
    assert.equal([s.width, s.height].join('x'), '320x192');
    assert.equal(s.r_frame_rate, '16/1');
    assert.equal(s.nb_read_frames, '17');
  });

  test('a second process with only fps changed re-encodes from the on-disk cache', () => {
    const args = [
      'run',
      TEMPLATE,
      '--out',
      'out2',
      '--param',
      'frames=9',
      '--param',
      'width=160',
      '--param',
      'height=96',
      '--json',
    ];
    const first = JSON.parse(cli(args).stdout) as JsonRun;
    assert.equal(first.nodes.pattern?.status, 'ran');
    const second = JSON.parse(cli([...args, '--param', 'fps=24']).stdout) as JsonRun;
    assert.equal(second.ok, true);
    assert.equal(second.nodes.pattern?.status, 'cached', 'Test Pattern must come from the disk cache');
    assert.equal(second.nodes.video?.status, 'ran');
    const probe = ffprobe(second.outputs.find((o) => o.node === 'video')!.path);
    assert.equal(probe.streams[0].r_frame_rate, '24/1');
  });

  test('the video reopens as its workflow: `run video.mp4` works and embeds the same document', async () => {
    const r = JSON.parse(
      cli([
        'run',
        TEMPLATE,
        '--out',
        'out3',
        '--param',
        'frames=5',
        '--param',
        'width=64',
        '--param',
        'height=64',
        '--json',
      ]).stdout,
    ) as JsonRun;
    const video = r.outputs.find((o) => o.node === 'video')!.path;
    const embedded = JSON.parse((await readEmbeddedWorkflow(video))!) as {
      nodes: Record<string, { values: Record<string, unknown> }>;
    };
    const expected = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as typeof embedded;
    Object.assign(expected.nodes.pattern.values, { frames: 5, width: 64, height: 64 });
    assert.deepEqual(embedded, expected);
    const again = cli(['run', video, '--out', 'out4', '--json']);
    assert.equal(again.code, 0, again.stderr);
    const probe = ffprobe(
      (JSON.parse(again.stdout) as JsonRun).outputs.find((o) => o.node === 'video')!.path,
    );
    assert.equal(probe.streams[0].nb_read_frames, '5');
    assert.equal(probe.streams[0].width, 64);
  });

  test('two runs in one process reuse the in-memory cache', async () => {
    const lines: string[] = [];
    const io: CliIO = {
      cwd: dir,
      out: (l) => lines.push(l),
      err: () => undefined,
      progress: { write: () => true },
    };
    const args = [
      'run',
      TEMPLATE,
      '--out',
      'out5',
      '--no-disk-cache',
      '--param',
      'frames=3',
      '--param',
      'width=32',
      '--param',
      'height=32',
      '--json',
    ];
    assert.equal(await main(args, io), 0);
    assert.equal(await main(args, io), 0);
    const [a, b] = lines.map((l) => JSON.parse(l) as JsonRun);
    assert.equal(a.nodes.pattern?.status, 'ran');
    assert.equal(b.nodes.pattern?.status, 'cached');
    assert.equal(b.nodes.video?.status, 'cached');
  });

  test('bad arguments exit 1 with a message, not a stack trace', () => {
    for (const args of [
      ['run'],
      ['run', TEMPLATE, '--bogus'],
      ['run', TEMPLATE, '--set', 'nonode.x=1'],
      ['frobnicate'],
      ['run', TEMPLATE, '--param', 'frames=abc'],
    ]) {
      const r = cli(args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /error: /);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  test('an out-of-range parameter is invalid (exit 1) and --json names the node and input', () => {
    const r = cli(['run', TEMPLATE, '--param', 'frames=0', '--json']);
    assert.equal(r.code, 1);
    const result = JSON.parse(r.stdout) as JsonRun;
    assert.equal(result.ok, false);
    assert.equal(result.error?.code, 'invalid');
    const p = result.error?.problems?.find((x) => x.node === 'pattern');
    assert.ok(p, JSON.stringify(result.error));
    assert.match(p.message, /frames/);
  });

  test('a node failing at run time exits 2 naming the node', () => {
    writeFileSync(join(dir, 'corrupt.png'), Buffer.from('\x89PNG\r\n\x1a\nthis is not really a png'));
    const wf = {
      schemaVersion: 1,
      nodes: {
        img: { type: 'image.load', version: 1, position: { x: 0, y: 0 }, values: { image: 'corrupt.png' } },
        prev: { type: 'image.preview', version: 1, position: { x: 300, y: 0 }, values: {} },
      },
      edges: [{ id: 'e1', from: { node: 'img', output: 'image' }, to: { node: 'prev', input: 'images' } }],
    };
    writeFileSync(join(dir, 'fails.json'), JSON.stringify(wf));
    const r = cli(['run', 'fails.json', '--out', 'out6', '--json']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const result = JSON.parse(r.stdout) as JsonRun;
    assert.equal(result.ok, false);
    assert.equal(result.error?.code, 'node_failed');
    assert.match(result.error?.message ?? '', /img|Load Image/);
    assert.match(result.error?.message ?? '', /corrupt\.png/);
  });

  test('Ctrl-C during encoding cancels cleanly: exit 130 and no partial output file', async () => {
    const out = join(dir, 'out-cancel');
    const child = spawn(
      process.execPath,
      [BIN, 'run', TEMPLATE, '--out', out, '--no-disk-cache', '--param', 'frames=600'],
      { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    let stderr = '';
    const encoding = new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // the frames are made; Video Out is now encoding
        if (stderr.includes('✓ Test Pattern')) resolve();
      });
      void exited.then(() => resolve());
    });
    await encoding;
    await new Promise((r) => setTimeout(r, 700));
    child.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 130, stderr);
    const files = existsSync(out) ? readdirSync(out, { recursive: true }).map(String) : [];
    assert.deepEqual(
      files.filter((f) => !f.startsWith('previews')),
      [],
      `left behind: ${files.join(', ')}`,
    );
  });
});

describe('wan-studio validate', () => {
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['truncated.json', '{"schemaVersion": 1, "nodes": {', /cut short|truncated|ends/i],
    ['array.json', '[1, 2, 3]', /object/i],
    [
      'garbage.json',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255, 254]),
      /PNG|binary|not a workflow|UTF-8/i,
    ],
    ['future.json', JSON.stringify({ schemaVersion: 7, nodes: {}, edges: [] }), /newer/i],
    [
      'unknown-type.json',
      JSON.stringify({
        schemaVersion: 1,
        nodes: { a: { type: 'no.such', version: 1, position: { x: 0, y: 0 }, values: {} } },
        edges: [],
      }),
      /"a".*no\.such|no\.such.*"a"/,
    ],
    [
      'dangling.json',
      JSON.stringify({
        schemaVersion: 1,
        nodes: { v: { type: 'video.out', version: 1, position: { x: 0, y: 0 }, values: {} } },
        edges: [{ id: 'e1', from: { node: 'ghost', output: 'images' }, to: { node: 'v', input: 'images' } }],
      }),
      /ghost/,
    ],
  ];
  for (const [name, content, message] of cases) {
    test(`${name} exits 1 with a clear message`, () => {
      writeFileSync(join(dir, name), content);
      const r = cli(['validate', name]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, message);
      assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, 'no stack trace');
    });
  }

  test('a valid template validates (exit 0) and `nodes` prints the catalog as JSON', () => {
    const r = cli(['validate', TEMPLATE]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const n = cli(['nodes']);
    assert.equal(n.code, 0);
    const catalog = JSON.parse(n.stdout) as { nodes: Array<{ id: string; inputs: object }> };
    const ids = catalog.nodes.map((x) => x.id);
    for (const id of ['video.out', 'source.test_pattern', 'image.load']) assert.ok(ids.includes(id), id);
    assert.ok(readFileSync(TEMPLATE, 'utf8').includes('source.test_pattern'));
  });
});
