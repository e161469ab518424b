// What every megalodon test file shares: the server's address, the client
// generator, and logging a member in through OAuth as a user would (the
// authorization page, its form, the out-of-band code).
// ../run provides RECOLTE_BASE, RECOLTE_PASSWORD and the accounts.
import assert from 'node:assert/strict'
import megalodon from 'megalodon'

// megalodon is a CommonJS package: its generator is the `default` export.
export const generator = megalodon.default

export const BASE = process.env.RECOLTE_BASE
const PASSWORD = process.env.RECOLTE_PASSWORD
const OOB = 'urn:ietf:wg:oauth:2.0:oob'

function field (html, name) {
  const match = html.match(new RegExp(`name="${name}" value="([^"]*)"`))
  assert.ok(match, `the page has a ${name} field`)
  return match[1].replaceAll('&amp;', '&')
}

// Logs `login` in through megalodon's authorization URL (on the server
// at `base`, the one under test by default); returns a client.
export async function logIn (login, base = BASE) {
  const anonymous = generator('mastodon', base)
  const app = await anonymous.registerApp('Récolte megalodon', {
    scopes: ['read', 'write', 'follow'],
    redirect_uris: OOB
  })
  assert.ok(app.url.startsWith(`${base}/oauth/authorize?`))
  const page = await fetch(app.url)
  assert.equal(page.status, 200)
  const html = await page.text()
  const cookie = page.headers.get('set-cookie').split(';')[0]
  const form = new URLSearchParams()
  for (const name of ['csrf_token', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method']) {
    form.set(name, field(html, name))
  }
  form.set('login', login)
  form.set('password', PASSWORD)
  form.set('decision', 'allow')
  const answer = await fetch(`${base}/oauth/authorize`, { method: 'POST', body: form, headers: { cookie }, redirect: 'manual' })
  assert.equal(answer.status, 200)
  const code = (await answer.text()).match(/<code id="code">([0-9a-f]+)<\/code>/)[1]
  const token = await anonymous.fetchAccessToken(app.client_id, app.client_secret, code, OOB)
  assert.ok(token.access_token)
  return { client: generator('mastodon', base, token.access_token), app, token }
}

// Registers a new member through the API (an app token, then
// `POST /api/v1/accounts`), so that a test file has accounts of its own
// whatever the others do in parallel; returns a client.
export async function register (username) {
  const anonymous = generator('mastodon', BASE)
  const app = await anonymous.registerApp('Récolte megalodon', {
    scopes: ['read', 'write', 'follow'],
    redirect_uris: OOB
  })
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: app.client_id,
    client_secret: app.client_secret,
    scope: 'read write follow'
  })
  const appToken = await (await fetch(`${BASE}/oauth/token`, { method: 'POST', body: form })).json()
  assert.ok(appToken.access_token)
  const answer = await fetch(`${BASE}/api/v1/accounts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${appToken.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ username, email: `${username}@example.org`, password: PASSWORD, agreement: true, locale: 'fr' })
  })
  assert.equal(answer.status, 200, await answer.clone().text())
  const token = await answer.json()
  return { client: generator('mastodon', BASE, token.access_token) }
}
