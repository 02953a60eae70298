/**
 * electron-builder configuration for Wan Studio (`npm run dist`, `npm run pack`); electron-builder
 * loads .ts configs itself (through jiti).
 *
 * - The app is dist/renderer (vite) + dist/electron (esbuild: main, preload, engine utility
 *   process) + nodes/ and workflows/ (data files the engine reads beside its sources: templates,
 *   onnx.proto) + the production node_modules.
 * - onnxruntime-node ships prebuilt native binaries (.node + libonnxruntime): they are unpacked
 *   from the asar so they can be loaded. Nothing is rebuilt (npmRebuild/nodeGypRebuild off): the
 *   binaries are N-API and work with Electron's Node as they are.
 * - ffmpeg from @ffmpeg-installer's platform package is shipped in resources/ffmpeg; the main
 *   process hands it to the engine as FFMPEG_PATH (a user's FFMPEG_PATH or ffmpegPath setting wins).
 */
import type { Configuration } from 'electron-builder';

/** npm packages the packaged app never loads (the editor is bundled by vite; main/engine by esbuild). */
const notShipped = [
  'react',
  'react-dom',
  'scheduler',
  '@xyflow',
  'immer',
  'tsx',
  'esbuild',
  '@esbuild',
  'ws',
];

const config: Configuration = {
  appId: 'org.wanstudio.desktop',
  productName: 'Wan Studio',
  executableName: 'wan-studio',
  copyright: 'Copyright © Wan Studio contributors',
  directories: { output: 'out/dist', buildResources: 'build' },
  files: [
    'package.json',
    'dist/renderer/**/*',
    'dist/electron/**/*',
    '!**/*.map',
    'nodes/**/*',
    '!nodes/**/*.test.ts',
    'workflows/**/*',
    // Shipped once, in resources/ffmpeg (see extraResources), not twice.
    '!node_modules/@ffmpeg-installer/*-*/{ffmpeg,ffmpeg.exe}',
    // Only this platform's onnxruntime binaries.
    '!node_modules/onnxruntime-node/bin/napi-v*/{linux,darwin,win32}/**/*',
    'node_modules/onnxruntime-node/bin/napi-v*/${platform}/${arch}/**/*',
    ...notShipped.map((name) => `!node_modules/${name}{,/**/*}`),
  ],
  asar: true,
  asarUnpack: ['node_modules/onnxruntime-node/**/*'],
  extraResources: [
    {
      from: 'node_modules/@ffmpeg-installer/${platform}-${arch}',
      to: 'ffmpeg',
      filter: ['ffmpeg', 'ffmpeg.exe', 'LICENSE*', 'README.md'],
    },
  ],
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  icon: 'build/icon.png',
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Graphics',
    icon: 'build/icon.png',
    synopsis: 'Node-graph studio for Wan 2.2 video generation',
    maintainer: 'Wan Studio contributors <wan-studio@users.noreply.github.com>',
  },
  deb: { depends: ['libnss3', 'libgtk-3-0', 'libxss1', 'libasound2'] },
  mac: { target: ['dmg'], category: 'public.app-category.graphics-design', icon: 'build/icon.png' },
  dmg: { sign: false },
  win: { target: ['nsis'], icon: 'build/icon.png' },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true, perMachine: false },
};

export default config;
