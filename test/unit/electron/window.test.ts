import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CSP as BROWSER_CSP } from '../../../nodes/host/server/server';
import { APP_ENTRY } from '../../../electron/app-url';
import { ELECTRON_CSP, withCsp } from '../../../electron/csp';
import {
  applySessionSecurity,
  createMainWindow,
  guardWebContents,
  secureWebPreferences,
} from '../../../electron/window';
import { FakeWebContents, fakeElectron } from './fake-electron';

describe('main window', () => {
  test('is created with secure webPreferences and loads the app:// entry page', () => {
    const f = fakeElectron();
    const win = createMainWindow(f.electron, {
      preload: '/app/dist/electron/preload.cjs',
      title: 'Wan Studio',
    });
    const prefs = f.windows[0].options.webPreferences!;
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.nodeIntegrationInWorker, false);
    assert.equal(prefs.nodeIntegrationInSubFrames, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.allowRunningInsecureContent, false);
    assert.equal(prefs.webviewTag, false);
    assert.equal(prefs.preload, '/app/dist/electron/preload.cjs');
    assert.deepEqual(f.windows[0].loaded, [APP_ENTRY]);
    assert.match(APP_ENTRY, /^app:\/\/studio\//);
    assert.equal(win, f.windows[0]);
  });

  test('secureWebPreferences never enables node in the page', () => {
    const p = secureWebPreferences('/x/preload.cjs');
    for (const key of [
      'nodeIntegration',
      'nodeIntegrationInWorker',
      'nodeIntegrationInSubFrames',
      'webviewTag',
    ] as const) {
      assert.equal(p[key], false, key);
    }
  });
});

describe('navigation and new windows', () => {
  test('navigation stays on the app origin', () => {
    const wc = new FakeWebContents();
    guardWebContents(wc, () => undefined);
    assert.equal(wc.navigate('will-navigate', 'app://studio/index.html'), true);
    assert.equal(wc.navigate('will-navigate', 'https://example.com/'), false);
    assert.equal(wc.navigate('will-navigate', 'file:///etc/passwd'), false);
    assert.equal(wc.navigate('will-navigate', 'app://other/index.html'), false);
    assert.equal(wc.navigate('will-navigate', 'app://user:pw@studio/'), false);
    assert.equal(wc.navigate('will-redirect', 'http://127.0.0.1:8188/'), false);
  });

  test('window.open is always denied; the URL goes to the external opener', () => {
    const wc = new FakeWebContents();
    const asked: string[] = [];
    guardWebContents(wc, (u) => asked.push(u));
    assert.deepEqual(wc.openHandler!({ url: 'https://example.com/docs' }), { action: 'deny' });
    assert.deepEqual(wc.openHandler!({ url: 'app://studio/index.html' }), { action: 'deny' });
    assert.deepEqual(asked, ['https://example.com/docs', 'app://studio/index.html']);
  });

  test('webviews cannot be attached', () => {
    const wc = new FakeWebContents();
    guardWebContents(wc, () => undefined);
    let prevented = false;
    wc.emit('will-attach-webview', { preventDefault: () => (prevented = true) });
    assert.equal(prevented, true);
  });
});

describe('session security', () => {
  test('every response gets the CSP, replacing any the response had', () => {
    const f = fakeElectron();
    applySessionSecurity(f.electron.session.defaultSession);
    let answered: Record<string, string[]> | undefined;
    f.headersListener!(
      {
        responseHeaders: {
          'content-security-policy': ["default-src *; script-src 'unsafe-inline'"],
          'X-Other': ['1'],
        },
      } as never,
      (r) => (answered = r.responseHeaders as Record<string, string[]>),
    );
    assert.deepEqual(answered, { 'X-Other': ['1'], 'Content-Security-Policy': [ELECTRON_CSP] });
    assert.match(ELECTRON_CSP, /script-src 'self';/);
    assert.doesNotMatch(ELECTRON_CSP, /unsafe-eval/);
  });

  test('permission requests and checks are denied', () => {
    const f = fakeElectron();
    applySessionSecurity(f.electron.session.defaultSession);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined;
      f.permissionRequest!(undefined, permission, (g) => (granted = g));
      assert.equal(granted, false, permission);
      assert.equal(f.permissionCheck!(undefined, permission), false, permission);
    }
  });

  test("the window's CSP is browser mode's with connect-src narrowed to the app (no WebSocket)", () => {
    const directives = (csp: string) =>
      new Map(
        csp
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .map(([k, ...v]) => [k, v.join(' ')]),
      );
    const desktop = directives(ELECTRON_CSP);
    const browser = directives(BROWSER_CSP);
    assert.deepEqual([...desktop.keys()].sort(), [...browser.keys()].sort());
    for (const [k, v] of browser) {
      if (k === 'connect-src') assert.equal(desktop.get(k), "'self'");
      else assert.equal(desktop.get(k), v, k);
    }
  });

  test('withCsp works on responses without headers', () => {
    assert.deepEqual(withCsp(undefined, 'x'), { 'Content-Security-Policy': ['x'] });
  });
});
