// npm run store-images: the Chrome Web Store's pictures, taken from the real extension in
// headless Chromium on the demo call page, with a face clip as the camera:
//   dist/store/screenshot-call.png   1280x800, the call with the effect on
//   dist/store/screenshot-popup.png  1280x800, the popup open over the call
//   dist/store/promo-small.png       440x280, the small promo tile
// They are generated, never committed: the camera clip shows a real person (../shared).
// Like npm start, an untrained stand-in look is used (and said so) until a trained one is in models/.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cameraClip, launchWithExtension } from './browser.mjs';
import { extensionWithLooks, readLookIndex } from './looks.mjs';
import { servePages } from './serve-pages.mjs';

export const STORE_DIR = resolve('dist/store');
const SHOT = { width: 1280, height: 800 };
const TILE = { width: 440, height: 280 };
const SHARED_CLIP = '../shared/video/liveportrait_driving_d3.mp4';
/** Time for the engine to load its models and the face to fade in (as npm start waits). */
const WARM_UP_MS = 10_000;
const BRAND = '#e8730c';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const dataUrl = (png) => `data:image/png;base64,${Buffer.from(png).toString('base64')}`;

function extensionForPictures() {
  const trained = readLookIndex('dist/extension');
  if (trained.length > 0) return { dir: resolve('dist/extension'), look: trained[0].look };
  const lookDir = process.env.CRITTER_DEV_LOOK ?? 'test/fixtures/generator-fixture';
  console.warn(`\n  No trained look in models/ yet: the pictures show ${lookDir}, an UNTRAINED stand-in, not a cat.\n  Do not upload them to the store.\n`);
  const dir = resolve(extensionWithLooks({ targetDir: 'dist/extension-store', lookDirs: [lookDir] }));
  const { look } = JSON.parse(readFileSync(join(lookDir, 'meta.json'), 'utf8'));
  return { dir, look };
}

/** A 1280x800 call: the demo page with its two videos enlarged to fill the picture. */
async function shootCall(browser, url) {
  const page = await browser.newPage();
  await page.setViewport(SHOT);
  await page.goto(url);
  await page.addStyleTag({
    content: 'body{margin:32px 24px} h1{margin-top:0} #state{display:none} .videos{gap:24px} video{width:604px}',
  });
  await page.waitForFunction(async () => (await window.demoCall?.receivedFrames()) > 0, { timeout: 30_000 });
  await sleep(WARM_UP_MS);
  return { page, png: await page.screenshot({ type: 'png' }) };
}

/** The popup as the toolbar shows it, 300 px of content, cut to its own height. */
async function shootPopup(browser, extensionId) {
  const popup = await browser.newPage();
  await popup.setViewport({ width: 324, height: 900, deviceScaleFactor: 1 });
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  await popup.waitForFunction(() => {
    const img = document.getElementById('preview');
    return !img.hidden && img.complete && img.naturalWidth > 0;
  }, { timeout: 20_000 });
  const height = await popup.evaluate(() => document.documentElement.scrollHeight);
  const png = await popup.screenshot({ type: 'png', clip: { x: 0, y: 0, width: 324, height } });
  await popup.close();
  return { png, height };
}

/** Lays out HTML at a fixed size and takes its picture. */
async function compose(browser, size, html) {
  const page = await browser.newPage();
  await page.setViewport(size);
  await page.setContent(`<!doctype html><html><body style="margin:0;width:${size.width}px;height:${size.height}px;overflow:hidden">${html}</body></html>`);
  await page.evaluate(() => Promise.all([...document.images].map((img) => img.decode())));
  const png = await page.screenshot({ type: 'png' });
  await page.close();
  return png;
}

function popupOverCall(callPng, popup) {
  // The popup hangs under the toolbar's right end, as Chrome opens it, over a dimmed call.
  return `
    <img src="${dataUrl(callPng)}" style="position:absolute;inset:0;width:1280px;height:800px;filter:brightness(.8)">
    <div style="position:absolute;top:0;left:0;right:0;height:8px;background:${BRAND}"></div>
    <img src="${dataUrl(popup.png)}" style="position:absolute;top:24px;right:40px;width:324px;max-height:760px;object-fit:cover;object-position:top;
      border-radius:10px;box-shadow:0 12px 40px rgba(0,0,0,.55),0 0 0 1px rgba(0,0,0,.25)">`;
}

function promoTile(callPng, iconPng) {
  // The processed self view (the call picture at 60 %, cut round the face), beside the name and the promise.
  return `
    <div style="display:flex;width:440px;height:280px;font-family:system-ui,sans-serif;background:#1b1b1f;color:#fff">
      <div style="width:210px;height:280px;background:url('${dataUrl(callPng)}') no-repeat;background-size:768px 480px;background-position:-91px -40px"></div>
      <div style="flex:1;padding:28px 20px;display:flex;flex-direction:column;gap:12px;border-left:6px solid ${BRAND}">
        <img src="${dataUrl(iconPng)}" width="56" height="56">
        <div style="font-size:26px;font-weight:700;white-space:nowrap">Critter Cam</div>
        <div style="font-size:16px;line-height:1.35;color:#ddd">Your face as a cat, live, in any web video call.</div>
        <div style="font-size:12px;color:${BRAND};font-weight:600">Runs on your device</div>
      </div>
    </div>`;
}

export async function makeStoreImages({ outDir = STORE_DIR, clip = process.env.CRITTER_FAKE_CAMERA ?? SHARED_CLIP } = {}) {
  if (!existsSync(clip)) throw new Error(`No camera clip at ${clip}: set CRITTER_FAKE_CAMERA to a face video.`);
  mkdirSync(outDir, { recursive: true });
  const { dir, look } = extensionForPictures();
  const server = await servePages(resolve('dist/pages'));
  const { browser, extensionId } = await launchWithExtension({ extensionDir: dir, cameraY4m: cameraClip(resolve(clip)) });
  try {
    const settingsPage = await browser.newPage();
    await settingsPage.goto(`chrome-extension://${extensionId}/popup.html`);
    await settingsPage.evaluate(async (chosen) => {
      const { settings } = await chrome.storage.sync.get('settings');
      await chrome.storage.sync.set({ settings: { ...(settings ?? {}), enabled: true, look: chosen } });
    }, look);
    await settingsPage.close();

    const call = await shootCall(browser, `${server.url}/demo-call.html`);
    const popup = await shootPopup(browser, extensionId);
    const files = {
      call: join(outDir, 'screenshot-call.png'),
      popup: join(outDir, 'screenshot-popup.png'),
      promo: join(outDir, 'promo-small.png'),
    };
    writeFileSync(files.call, call.png);
    writeFileSync(files.popup, await compose(browser, SHOT, popupOverCall(call.png, popup)));
    writeFileSync(files.promo, await compose(browser, TILE, promoTile(call.png, readFileSync(join(dir, 'icons/icon-128.png')))));
    return files;
  } finally {
    await browser.close();
    await server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const files = await makeStoreImages();
  console.log(`Store pictures:\n  ${Object.values(files).join('\n  ')}`);
}
