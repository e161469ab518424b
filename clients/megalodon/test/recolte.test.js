// megalodon (the npm Mastodon client library) against a running Récolte:
// detection, app registration, OAuth log-in through the authorization page
// (the test plays the user), posting, answering, liking, bookmarking,
// notifications, home and public timelines with pagination, following a
// community, the user stream.
// Started by ../run, which provides RECOLTE_BASE and the accounts.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import megalodon from 'megalodon'
import { BASE, generator, logIn } from './session.js'

const { detector } = megalodon

test('megalodon recognises the server as Mastodon-compatible', async () => {
  assert.equal(await detector(BASE), 'mastodon')
  const instance = await generator('mastodon', BASE).getInstance()
  assert.match(instance.data.version, /^4\.3\.0 \(compatible; Récolte /)
})

test('log in, post, answer, like, notify, timelines, communities', async () => {
  const alice = await logIn('alice')
  const bob = await logIn('bob@example.org')

  const me = await alice.client.verifyAccountCredentials()
  assert.equal(me.data.username, 'alice')
  assert.equal(me.data.acct, 'alice')

  const post = await alice.client.postStatus('Bonjour depuis **megalodon**')
  assert.match(post.data.content, /<strong>megalodon<\/strong>/)
  const reply = await bob.client.postStatus('Bonjour Alice', { in_reply_to_id: post.data.id })
  assert.equal(reply.data.in_reply_to_id, post.data.id)
  const liked = await bob.client.favouriteStatus(post.data.id)
  assert.equal(liked.data.favourited, true)
  assert.equal(liked.data.favourites_count, 1)

  const kept = await bob.client.bookmarkStatus(post.data.id)
  assert.equal(kept.data.bookmarked, true)
  const bookmarks = await bob.client.getBookmarks()
  assert.deepEqual(bookmarks.data.map(s => s.id), [post.data.id])

  const context = await alice.client.getStatusContext(post.data.id)
  assert.deepEqual(context.data.descendants.map(s => s.id), [reply.data.id])

  const notifications = await alice.client.getNotifications()
  const kinds = notifications.data.map(n => n.type)
  assert.ok(kinds.includes('favourite'), kinds.join())
  assert.ok(kinds.includes('mention'), kinds.join())

  // Home pages: alice follows bob, then reads two by two.
  const bobAccount = await alice.client.lookupAccount('bob')
  const relationship = await alice.client.followAccount(bobAccount.data.id)
  assert.equal(relationship.data.following, true)
  const more = []
  for (const text of ['Un', 'Deux', 'Trois']) {
    more.push((await bob.client.postStatus(text)).data.id)
  }
  const first = await alice.client.getHomeTimeline({ limit: 2 })
  assert.deepEqual(first.data.map(s => s.id), [more[2], more[1]])
  assert.match(first.headers.link, /rel="next"/)
  const second = await alice.client.getHomeTimeline({ limit: 2, max_id: more[1] })
  assert.deepEqual(second.data.map(s => s.id), [more[0], reply.data.id])
  const newer = await alice.client.getHomeTimeline({ min_id: more[0] })
  assert.deepEqual(newer.data.map(s => s.id), [more[2], more[1]])

  const local = await alice.client.getLocalTimeline({ limit: 40 })
  assert.ok(local.data.some(s => s.id === post.data.id))
  const everything = await alice.client.getPublicTimeline({ limit: 1 })
  assert.equal(everything.data.length, 1)

  // A community is an account with group: true; following it joins it,
  // and what is written in it by mention reaches the member's home, as
  // the community's reblog.
  const community = await alice.client.lookupAccount('veille')
  assert.equal(community.data.group, true)
  const joined = await alice.client.followAccount(community.data.id)
  assert.equal(joined.data.following, true)
  const domain = new URL(BASE).host
  const carol = await logIn('carol')
  const inCommunity = await carol.client.postStatus(`@veille@${domain} Atelier du mardi\nCompte rendu à venir.`)
  assert.equal(inCommunity.data.mentions[0].acct, 'veille')
  const home = await alice.client.getHomeTimeline({ limit: 1 })
  assert.equal(home.data[0].account.id, community.data.id)
  assert.equal(home.data[0].reblog.id, inCommunity.data.id)

  // The user stream brings what bob writes next, and the like of alice's post.
  const stream = await alice.client.userStreaming()
  await new Promise((resolve, reject) => {
    stream.on('connect', resolve)
    stream.on('error', reject)
  })
  const updated = new Promise(resolve => stream.on('update', resolve))
  const notified = new Promise(resolve => stream.on('notification', resolve))
  const live = await bob.client.postStatus('En direct')
  assert.equal((await updated).id, live.data.id)
  await bob.client.unfavouriteStatus(post.data.id)
  await bob.client.favouriteStatus(post.data.id)
  const notification = await notified
  assert.equal(notification.type, 'favourite')
  assert.equal(notification.status.id, post.data.id)
  stream.stop()

  // Revoking the token logs the app out (megalodon drops refresh tokens,
  // as Mastodon issues none: refresh is tested in tests/api_oauth.rs).
  await alice.client.revokeToken(alice.app.client_id, alice.app.client_secret, alice.token.access_token)
  await assert.rejects(alice.client.verifyAccountCredentials(), err => err.response?.status === 401)
})
