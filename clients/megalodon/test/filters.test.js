// megalodon against a running Récolte: a filter v2 (created with `fetch`
// and the member's token: megalodon only speaks filters v1, which it
// reads back) marks a status in the home timeline (read with `fetch`:
// megalodon's statuses drop `filtered`), and hides it from megalodon's
// home timeline once its action is `hide`.
// Started by ../run, which provides RECOLTE_BASE.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, register, logIn } from './session.js'

async function v2 (token, method, path, body) {
  const answer = await fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  assert.equal(answer.status, 200, await answer.clone().text())
  return answer.json()
}

test('a v2 filter marks, then hides, a status in home', async () => {
  const name = `filtre${Date.now()}`
  await register(name)
  const { client, token } = await logIn(name)
  const word = `navet${Date.now()}`
  const hit = (await client.postStatus(`Un ${word} au potager`)).data.id
  const kept = (await client.postStatus('Des carottes au potager')).data.id

  const filter = await v2(token.access_token, 'POST', '/api/v2/filters', {
    title: 'Légumes',
    context: ['home', 'public'],
    filter_action: 'warn',
    keywords_attributes: [{ keyword: word, whole_word: true }]
  })
  assert.equal(filter.keywords[0].keyword, word)
  const v1 = await client.getFilters()
  assert.deepEqual(v1.data.map(f => f.phrase), [word])

  const raw = await v2(token.access_token, 'GET', '/api/v1/timelines/home')
  const marked = raw.find(s => s.id === hit)
  assert.equal(marked.filtered[0].filter.id, filter.id)
  assert.deepEqual(marked.filtered[0].keyword_matches, [word])

  await v2(token.access_token, 'PUT', `/api/v2/filters/${filter.id}`, { filter_action: 'hide' })
  const home = await client.getHomeTimeline()
  const ids = home.data.map(s => s.id)
  assert.ok(!ids.includes(hit), 'the hidden status left home')
  assert.ok(ids.includes(kept), 'the other one stays')
})
