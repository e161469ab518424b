// End-to-end flows of the web interface in headless Chromium, with an
// axe-core audit (WCAG 2.1 A/AA) of every main page in light and dark
// schemes, a keyboard-only compose-and-post pass, and screenshots.
//
// Run by tests/browser.rs against a fresh instance:
//   RECOLTE_BASE=http://localhost:PORT SCREENSHOTS=DIR node tests/browser/flows.mjs
// Exits 1 when a flow breaks or a serious or critical violation is found.

import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BASE = process.env.RECOLTE_BASE;
const SHOTS = process.env.SCREENSHOTS || 'screenshots';
const CHROMIUM = process.env.RECOLTE_CHROMIUM || '/usr/bin/chromium';
if (!BASE) throw new Error('RECOLTE_BASE is not set');
mkdirSync(SHOTS, { recursive: true });

const failures = [];
function check(condition, what) {
  if (!condition) failures.push(what);
  console.log(`${condition ? 'ok  ' : 'FAIL'} ${what}`);
}

/** Audits the current page; serious and critical violations fail the run. */
async function audit(page, label) {
  // The page's own CSP forbids injected scripts; the context bypasses it.
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }));
  for (const v of result.violations) {
    const where = v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ');
    const line = `${label}: [${v.impact}] ${v.id} ${v.help} (${where})`;
    if (v.impact === 'serious' || v.impact === 'critical') failures.push(line);
    console.log(`axe ${line}`);
  }
  console.log(`axe ${label}: ${result.passes.length} rules pass, ${result.violations.length} violations`);
}

async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** Presses Tab until the element with this id has the focus. */
async function tabTo(page, id) {
  for (let i = 0; i < 80; i++) {
    if (await page.evaluate(() => document.activeElement && document.activeElement.id) === id) return true;
    await page.keyboard.press('Tab');
  }
  return false;
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
/** The light scheme's post on the first instance. */
let firstPost = null;

/** Reloads `url` in `page` until `test(page)` holds (federation is asynchronous). */
async function until(page, url, test, what) {
  for (let i = 0; i < 60; i++) {
    await page.goto(url);
    if (await test(page)) return true;
    await page.waitForTimeout(250);
  }
  console.log(`gave up waiting until ${what}`);
  return false;
}

try {
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({ colorScheme: scheme, locale: 'fr-FR', bypassCSP: true });
    const page = await context.newPage();
    const user = `lea_${scheme}`;
    const community = `climat_${scheme}`;

    // A visitor.
    for (const [path, name] of [['/', 'welcome'], ['/communities', 'directory'], ['/login', 'login'], ['/signup', 'signup'], ['/nulle-part', 'not-found']]) {
      await page.goto(BASE + path);
      await audit(page, `${scheme} visitor ${path}`);
      await shot(page, `${scheme}-visitor-${name}`);
    }
    check(await page.locator('html').getAttribute('lang') === 'fr', `${scheme}: French by default`);

    // Sign up, log in.
    await page.goto(BASE + '/signup');
    await page.fill('#username', user);
    await page.fill('#email', `${user}@example.org`);
    await page.fill('#password', 'un mot de passe');
    await page.click('main form button[type=submit]');
    check((await page.textContent('main')).includes(`Bienvenue, ${user}`), `${scheme}: sign-up`);
    await page.goto(BASE + '/login');
    await page.fill('#login', user);
    await page.fill('#password', 'un mot de passe');
    await page.click('main form button[type=submit]');
    check((await page.textContent('main')).includes('Bonjour'), `${scheme}: log-in`);
    await audit(page, `${scheme} member /`);

    // A community, with a refused input first.
    await page.goto(BASE + '/communities/new');
    await page.fill('#title', 'Climat et transition');
    await page.fill('#name', 'x');
    await page.click('main form button[type=submit]');
    check(await page.locator('#name-error').isVisible(), `${scheme}: error next to the field`);
    check(await page.inputValue('#title') === 'Climat et transition', `${scheme}: input kept`);
    await audit(page, `${scheme} member form error`);
    await shot(page, `${scheme}-form-error`);
    await page.fill('#name', community);
    await page.fill('#description', 'Retours d’expérience des chargés de mission climat.');
    await page.click('main form button[type=submit]');
    check(page.url().endsWith(`/c/${community}`), `${scheme}: community created`);
    check((await page.textContent('.flash')).includes('La communauté est créée'), `${scheme}: creation confirmed`);
    await page.click('text=Rejoindre');
    check((await page.textContent('.flash')).includes('Vous avez rejoint'), `${scheme}: joined`);
    await audit(page, `${scheme} member community`);

    // Keyboard only: from the skip link to a published post.
    await page.goto(BASE + `/c/${community}/submit`);
    await page.keyboard.press('Tab');
    check(await page.evaluate(() => document.activeElement.className) === 'skip', `${scheme}: skip link first`);
    await page.keyboard.press('Enter');
    check(await tabTo(page, 'title'), `${scheme}: keyboard reaches the title`);
    await page.keyboard.type('Bilan carbone 2026');
    check(await tabTo(page, 'body'), `${scheme}: keyboard reaches the text`);
    await page.keyboard.type('Un **bilan** partagé :\n\n- mesures\n- actions');
    await audit(page, `${scheme} member compose`);
    await shot(page, `${scheme}-compose`);
    // Tab past the link and language to the publish button.
    let onPublish = false;
    for (let i = 0; i < 10 && !onPublish; i++) {
      await page.keyboard.press('Tab');
      onPublish = await page.evaluate(() => document.activeElement.tagName === 'BUTTON' && document.activeElement.textContent.trim() === 'Publier');
    }
    check(onPublish, `${scheme}: keyboard reaches Publish`);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/post\/\d+$/);
    check(await page.locator('.content strong', { hasText: 'bilan' }).count() === 1, `${scheme}: Markdown rendered`);
    const post = page.url();

    // Comment, reply, like.
    await page.fill('#comment-body', 'Premier retour');
    await page.click('.thread > form button[type=submit]');
    check((await page.textContent('.flash')).includes('commentaire est publié'), `${scheme}: comment`);
    // Answering goes through the comment's sub-thread page.
    await page.click('.comment-actions a:text-is("Répondre")');
    await page.waitForURL(/\/post\/\d+\/c\/\d+/);
    await audit(page, `${scheme} member sub-thread`);
    await shot(page, `${scheme}-sub-thread`);
    await page.fill('#comment-body', 'Une réponse');
    await page.click('.thread form button[type=submit]');
    await page.waitForURL(/\/post\/\d+(#comment-\d+)?$/);
    check(await page.locator('article.comment article.comment').count() === 1, `${scheme}: threaded reply`);
    // Collapsing a comment hides its answers, without script.
    await page.click('article.comment > details > summary');
    check(!(await page.locator('article.comment article.comment').isVisible()), `${scheme}: collapsed`);
    await page.click('article.comment > details > summary');
    await page.click('.post-actions button');
    check((await page.textContent('.post-actions')).includes('J’aime (1)'), `${scheme}: like`);
    await audit(page, `${scheme} member post`);
    await shot(page, `${scheme}-post`);
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, `${scheme}-post-phone`);
    await page.setViewportSize({ width: 1280, height: 900 });

    if (scheme === 'light') firstPost = post;
    for (const [path, name] of [['/local', 'feed-local'], ['/network', 'feed-network'], ['/?sort=top&period=week', 'home-top'], [`/u/${user}`, 'profile'], ['/communities', 'directory-member'], ['/follow', 'follow'], ['/notifications', 'notifications'], [`/c/${community}/settings`, 'community-settings'], ['/settings', 'settings'], [`${new URL(post).pathname}/delete`, 'confirm-delete']]) {
      await page.goto(BASE + path);
      await audit(page, `${scheme} member ${path}`);
      await shot(page, `${scheme}-${name}`);
    }

    // --- Media and polls: an avatar through the settings form, a poll
    // written from a Mastodon app (password grant), both audited.
    await page.goto(BASE + '/settings');
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await page.setInputFiles('#avatar', { name: 'lea.png', mimeType: 'image/png', buffer: png });
    await page.click('form[action="/settings/avatar"] button[type=submit]');
    check((await page.textContent('.flash')).includes('photo de profil est enregistrée'), `${scheme}: avatar saved`);
    await audit(page, `${scheme} member settings with avatar`);
    const app = await (await fetch(BASE + '/api/v1/apps', { method: 'POST', body: new URLSearchParams({ client_name: 'flows', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: 'read write' }) })).json();
    const token = await (await fetch(BASE + '/oauth/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'password', client_id: app.client_id, client_secret: app.client_secret, username: user, password: 'un mot de passe', scope: 'read write' }) })).json();
    const status = await (await fetch(BASE + '/api/v1/statuses', { method: 'POST', headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'Quel jour pour la réunion ?', poll: { options: ['Mardi', 'Jeudi'], expires_in: 3600 } }) })).json();
    await page.goto(status.uri);
    await page.check('input[name=choice][value="1"]');
    await page.click('#poll button[type=submit]');
    check((await page.textContent('.flash')).includes('vote est enregistré'), `${scheme}: voted`);
    await audit(page, `${scheme} member post with poll and avatar`);
    await shot(page, `${scheme}-poll`);
    // --- end media and polls ---

    // --- Filters branch: the hashtag page, filled and empty ---
    const tagged = `compost_${scheme}`;
    await fetch(BASE + '/api/v1/statuses', { method: 'POST', headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' }, body: JSON.stringify({ status: `Atelier #${tagged} samedi` }) });
    await page.goto(`${BASE}/tags/${tagged}`);
    check((await page.textContent('main')).includes(`Atelier #${tagged} samedi`), `${scheme}: hashtag page lists the status`);
    await audit(page, `${scheme} member /tags/${tagged}`);
    await page.goto(BASE + '/tags/inconnu');
    await audit(page, `${scheme} member /tags/inconnu`);
    // --- end hashtag page ---

    // English, from the account's settings.
    await page.goto(BASE + '/settings');
    await page.selectOption('#locale', 'en');
    await page.click('form[action="/settings"] button[type=submit]');
    check(await page.locator('html').getAttribute('lang') === 'en', `${scheme}: English after the setting`);
    check((await page.textContent('.flash')).includes('Your settings are saved'), `${scheme}: settings confirmed`);
    await page.goto(post);
    check((await page.textContent('main')).includes('Like (1)'), `${scheme}: post page in English`);
    await audit(page, `${scheme} member post (en)`);
    await shot(page, `${scheme}-post-en`);
    await context.close();
  }

  // An administrator's page.
  const admin = process.env.RECOLTE_ADMIN;
  if (admin) {
    for (const scheme of ['light', 'dark']) {
      const context = await browser.newContext({ colorScheme: scheme, locale: 'fr-FR', bypassCSP: true });
      const page = await context.newPage();
      await page.goto(BASE + '/login');
      await page.fill('#login', admin);
      await page.fill('#password', process.env.RECOLTE_ADMIN_PASSWORD);
      await page.click('main form button[type=submit]');
      await page.click('a[href="/admin"]');
      check((await page.textContent('h1')) === 'Administration', `${scheme}: administration page`);
      await audit(page, `${scheme} admin /admin`);
      await shot(page, `${scheme}-admin`);
      await page.click('a[href="/admin/federation"]');
      check((await page.textContent('h1')) === 'Fédération', `${scheme}: federation status page`);
      await audit(page, `${scheme} admin /admin/federation`);
      await shot(page, `${scheme}-admin-federation`);
      await page.goto(BASE + '/admin/settings');
      check((await page.textContent('h1')) === 'Réglages de l’instance', `${scheme}: instance settings page`);
      await audit(page, `${scheme} admin /admin/settings`);
      await shot(page, `${scheme}-admin-settings`);
      // --- Instance logo (branding): uploaded, then shown in the header.
      const logo = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
      await page.setInputFiles('#logo', { name: 'logo.png', mimeType: 'image/png', buffer: logo });
      await page.click('form[action="/admin/settings/logo"] button[type=submit]');
      check((await page.textContent('.flash')).includes('logo est enregistré'), `${scheme}: logo saved`);
      check(await page.locator('header.site img.logo').count() === 1, `${scheme}: logo in the header`);
      await audit(page, `${scheme} admin /admin/settings with logo`);
      // --- end instance logo ---
      await context.close();
    }
  }

  // A member of a second instance follows the first one's community by its
  // handle, reads its new post in her feed there, and answers it.
  const second = process.env.RECOLTE_SECOND_BASE;
  if (second && firstPost) {
    const context = await browser.newContext({ colorScheme: 'light', locale: 'fr-FR', bypassCSP: true });
    const zoe = await context.newPage();
    await zoe.goto(second + '/login');
    await zoe.fill('#login', process.env.RECOLTE_SECOND_USER);
    await zoe.fill('#password', process.env.RECOLTE_SECOND_PASSWORD);
    await zoe.click('main form button[type=submit]');
    await zoe.goto(second + '/follow');
    await zoe.fill('#handle', `!climat_light@${new URL(BASE).host}`);
    await zoe.click('main form button[type=submit]');
    check(/\/remote\/\d+$/.test(zoe.url()), 'second instance: the community found by its handle');
    const remote = zoe.url();
    check(await until(zoe, remote, p => p.locator('text=Quitter la communauté').count().then(n => n > 0), 'the follow is accepted'),
      'second instance: membership accepted');
    await audit(zoe, 'second instance remote community');
    await shot(zoe, 'second-remote-community');

    const lea = await (await browser.newContext({ locale: 'fr-FR', bypassCSP: true })).newPage();
    await lea.goto(BASE + '/login');
    await lea.fill('#login', 'lea_light');
    await lea.fill('#password', 'un mot de passe');
    await lea.click('main form button[type=submit]');
    await lea.goto(BASE + '/c/climat_light/submit');
    await lea.fill('#title', 'Nouvelles de la transition');
    await lea.fill('#body', 'Le **plan vélo** est voté.');
    await lea.click('main form button[type=submit]');
    await lea.waitForURL(/\/post\/\d+$/);
    const onFirst = lea.url();

    check(await until(zoe, second + '/', p => p.locator('a:text-is("Nouvelles de la transition")').count().then(n => n > 0), 'the post reaches the second instance'),
      'second instance: the post in her feed');
    await zoe.click('a:text-is("Nouvelles de la transition")');
    check(await zoe.locator('.content strong', { hasText: 'plan vélo' }).count() === 1, 'second instance: the post shown');
    await zoe.fill('#comment-body', 'Réponse depuis la seconde instance');
    await zoe.click('.thread > form button[type=submit]');
    check((await zoe.textContent('.flash')).includes('commentaire est publié'), 'second instance: reply published');
    await audit(zoe, 'second instance post');
    await shot(zoe, 'second-post');

    // Over HTTP, the answer reaches the first instance.
    let arrived = false;
    for (let i = 0; i < 60 && !arrived; i++) {
      arrived = (await (await fetch(onFirst)).text()).includes('Réponse depuis la seconde instance');
      if (!arrived) await new Promise(r => setTimeout(r, 250));
    }
    check(arrived, 'first instance: the reply arrived');
    await context.close();
  }
} finally {
  await browser.close();
}

console.log(`screenshots in ${SHOTS}`);
if (failures.length) {
  console.log(`\n${failures.length} failure(s):\n${failures.join('\n')}`);
  process.exit(1);
}
