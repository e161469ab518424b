// Logging in through megalodon's authorization URL, shared by the tests.
import assert from 'node:assert/strict'
import megalodon from 'megalodon'

const generator = megalodon.default
const BASE = process.env.RECOLTE_BASE
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

