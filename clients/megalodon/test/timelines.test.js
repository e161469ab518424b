// megalodon against a running Récolte: reblogs (boost, who boosted, take
// it back), the tag timeline with pagination, a hashtag stream, and a
// community of a second instance followed from home.
// Started by ../run, which provides RECOLTE_BASE, RECOLTE_SECOND_BASE and
// the accounts.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { logIn } from './session.js'

test('reblog, unreblog and reblogged_by', async () => {
  const alice = await logIn('alice')
  const bob = await logIn('bob')
  const bobId = (await bob.client.verifyAccountCredentials()).data.id
  const post = await alice.client.postStatus('Atelier compost samedi')
  const boost = await bob.client.reblogStatus(post.data.id)
  assert.equal(boost.data.reblog.id, post.data.id)
  assert.equal(boost.data.account.id, bobId)
  const seen = await alice.client.getStatus(post.data.id)
  assert.equal(seen.data.reblogs_count, 1)
  const by = await alice.client.getStatusRebloggedBy(post.data.id)
  assert.deepEqual(by.data.map(a => a.id), [bobId])
  const undone = await bob.client.unreblogStatus(post.data.id)
  assert.equal(undone.data.id, post.data.id)
  assert.equal(undone.data.reblogged, false)
  assert.equal((await alice.client.getStatusRebloggedBy(post.data.id)).data.length, 0)
})

test('tag timeline with pagination, and a hashtag stream', async () => {
  const alice = await logIn('alice')
  const carol = await logIn('carol')
  const tag = `jardin${Date.now()}`
  const made = []
  for (let i = 0; i < 3; i++) {
    made.push((await alice.client.postStatus(`Semis n° ${i} #${tag}`)).data.id)
  }
  await alice.client.postStatus('Sans étiquette')
  const first = await carol.client.getTagTimeline(tag, { limit: 2 })
  assert.deepEqual(first.data.map(s => s.id), [made[2], made[1]])
  assert.equal(first.data[0].tags[0].name, tag)
  const next = await carol.client.getTagTimeline(tag, { max_id: made[1] })
  assert.deepEqual(next.data.map(s => s.id), [made[0]])
  const newer = await carol.client.getTagTimeline(tag.toUpperCase(), { min_id: made[0], limit: 1 })
  assert.deepEqual(newer.data.map(s => s.id), [made[1]])

  const stream = await carol.client.tagStreaming(tag)
  await new Promise((resolve, reject) => {
    stream.on('connect', resolve)
    stream.on('error', reject)
  })
  const updated = new Promise(resolve => stream.on('update', resolve))
  const live = await alice.client.postStatus(`En direct #${tag}`)
  assert.equal((await updated).id, live.data.id)
  stream.stop()
})

// Checks until `check` holds, at most 20 s.
async function eventually (what, check) {
  for (let i = 0; i < 200; i++) {
    if (await check()) return
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  assert.fail(`timed out waiting until ${what}`)
}

test('follow a community on a second instance and see its posts arrive in home', async () => {
  const SECOND = process.env.RECOLTE_SECOND_BASE
  const alice = await logIn('alice')
  const handle = `!quartier@${new URL(SECOND).host}`
  const found = await alice.client.search(handle, { type: 'accounts', resolve: true })
  const community = found.data.accounts[0]
  assert.equal(community.group, true)
  await alice.client.followAccount(community.id)
  await eventually('the community accepts alice', async () =>
    (await alice.client.getRelationship(community.id)).data.following === true)

  const dora = await logIn('dora', SECOND)
  const posted = await dora.client.postStatus('@quartier Fête des voisins\nVendredi soir, cour de l’école.')
  const uri = posted.data.uri
  await eventually('the post arrives in alice\'s home', async () => {
    const home = await alice.client.getHomeTimeline({ limit: 20 })
    return home.data.some(s => s.reblog && s.reblog.uri === uri)
  })
  const home = await alice.client.getHomeTimeline({ limit: 20 })
  const shown = home.data.find(s => s.reblog && s.reblog.uri === uri)
  assert.equal(shown.account.id, community.id)
  assert.equal(shown.reblog.account.acct, `dora@${new URL(SECOND).host}`)
})
